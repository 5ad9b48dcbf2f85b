/** File picking for imports: a hidden file input and a drop zone, both delivering one File. */
import { ref, useTemplateRef } from 'vue'

/** The file a user picked or dropped (alias so components need no DOM global names). */
export type PickedFile = File

export function useFileDrop(onFile: (file: File) => void) {
  const over = ref(false)
  // the template's <input type="file" ref="input">
  const input = useTemplateRef<HTMLInputElement>('input')

  function onDrop(e: DragEvent): void {
    over.value = false
    const f = e.dataTransfer?.files?.[0]
    if (f) onFile(f)
  }
  function onPick(e: Event): void {
    const el = e.target as HTMLInputElement
    const f = el.files?.[0]
    if (f) onFile(f)
    // reset so choosing the same file again fires another change
    el.value = ''
  }
  function open(): void {
    input.value?.click()
  }
  return { over, onDrop, onPick, open }
}
