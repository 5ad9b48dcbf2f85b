/** Mounts the 3D field scene on a canvas, keeps it sized to its box, re-renders on change, disposes on unmount. */
import { onBeforeUnmount, onMounted, ref, useTemplateRef, watch, type Ref } from 'vue'
import { createFieldScene, disposeFieldScene, resizeFieldScene, updateFieldScene, type FieldScene, type SceneContent } from '@renderer/three/scene'
import { plainError } from './plain-error'

/** Draws into the template's `<canvas ref="canvas">`. */
export function useThreeCanvas(content: Ref<SceneContent | null>) {
  const canvas = useTemplateRef<HTMLCanvasElement>('canvas')
  const error = ref<string | null>(null)
  let fs: FieldScene | null = null
  let observer: ResizeObserver | null = null

  function fit(): void {
    const c = canvas.value
    if (fs && c?.parentElement) resizeFieldScene(fs, c.parentElement.clientWidth, c.parentElement.clientHeight)
  }

  onMounted(() => {
    if (!canvas.value) return
    try {
      fs = createFieldScene(canvas.value)
    } catch (err) {
      error.value = `3D view unavailable: WebGL could not start (${plainError(err)})`
      return
    }
    fit()
    if (content.value) updateFieldScene(fs, content.value)
    observer = new ResizeObserver(fit)
    if (canvas.value.parentElement) observer.observe(canvas.value.parentElement)
  })

  watch(content, (c) => {
    if (fs && c) {
      fit()
      updateFieldScene(fs, c)
      canvas.value?.setAttribute('data-rendered', String(Number(canvas.value.getAttribute('data-rendered') ?? 0) + 1))
    }
  })

  onBeforeUnmount(() => {
    observer?.disconnect()
    if (fs) disposeFieldScene(fs)
    fs = null
  })

  return { error }
}
