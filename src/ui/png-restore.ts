/**
 * Restoring a state from a PNG the page exported (export/png.ts): dropped on the page, pasted, or opened with the
 * file button. Anything that is not such a PNG gives a notice and leaves the state as it was.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export class PngRestore implements ReactiveController {
  constructor(
    host: ReactiveControllerHost,
    private readonly restore: (bytes: Uint8Array, name: string) => void,
    private readonly notify: (notices: string[]) => void,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    window.addEventListener('dragover', this.onDragOver);
    window.addEventListener('drop', this.onDrop);
    window.addEventListener('paste', this.onPaste);
  }

  hostDisconnected(): void {
    window.removeEventListener('dragover', this.onDragOver);
    window.removeEventListener('drop', this.onDrop);
    window.removeEventListener('paste', this.onPaste);
  }

  async open(file: File): Promise<void> {
    if (file.type !== 'image/png' && !file.name.toLowerCase().endsWith('.png')) {
      this.notify([`PNG: ${JSON.stringify(file.name.slice(0, 60))} is not a PNG file; nothing restored`]);
      return;
    }
    this.restore(new Uint8Array(await file.arrayBuffer()), file.name);
  }

  private readonly onDragOver = (e: DragEvent) => {
    if (e.dataTransfer?.types.includes('Files')) e.preventDefault();
  };

  private readonly onDrop = (e: DragEvent) => {
    const file = e.dataTransfer?.files[0];
    if (!file) return;
    e.preventDefault();
    void this.open(file);
  };

  private readonly onPaste = (e: ClipboardEvent) => {
    const file = [...(e.clipboardData?.files ?? [])][0];
    if (!file) return;
    e.preventDefault();
    void this.open(file);
  };
}
