/** Steps a frame index through 0…count−1 at a fixed rate while playing, wrapping around. */
import { onBeforeUnmount, ref, type Ref } from 'vue'

export function useFramePlayer(frame: Ref<number>, count: () => number, fps = 6) {
  const playing = ref(false)
  let timer: ReturnType<typeof setInterval> | null = null

  function stop(): void {
    playing.value = false
    if (timer) clearInterval(timer)
    timer = null
  }
  function play(): void {
    if (count() < 2) return
    playing.value = true
    timer = setInterval(() => {
      frame.value = (frame.value + 1) % Math.max(1, count())
    }, 1000 / fps)
  }
  function toggle(): void {
    if (playing.value) stop()
    else play()
  }
  onBeforeUnmount(stop)
  return { playing, play, stop, toggle }
}
