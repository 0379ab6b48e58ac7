/**
 * Export and Import buttons for a panel's calibration file (AMED's calibration, GITS's search: ./calibration-kinds.ts).
 * An import is checked and installed by the sandbox before anything else happens, so a bad file changes nothing: it
 * only raises a notice that names the file and the problem.
 *
 * @fires calibration-imported - detail: the ImportedCalibration (the panel runs again with it)
 * @fires notice - detail: a message for the page (an import that failed)
 */
import { consume } from '@lit/context';
import { css, html, LitElement } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import type { Sandbox } from '../api/sandbox';
import type { CalibrationKind, ImportedCalibration } from './calibration-kinds';
import { sandboxContext } from './contexts';
import { downloadBytes } from './download';
import { controls, focusRing } from './styles';

/** Exports are a few hundred kB at most (GITS: a 201-point fine grid's triangle of costs); more is not ours. */
const MAX_FILE_BYTES = 1 << 20;

@customElement('calibration-file')
export class CalibrationFile extends LitElement {
  static override styles = [
    focusRing,
    controls,
    css`
      :host {
        display: flex;
        gap: 0.4rem;
      }
      button {
        font-size: 0.75rem;
        padding: 0.1em 0.45em;
      }
    `,
  ];

  @consume({ context: sandboxContext }) private sandbox!: Sandbox;
  @property({ attribute: false }) kind!: CalibrationKind;
  /** What Export saves; the button is disabled until there is one. */
  @property({ attribute: false }) value?: object;
  @property() panelLabel = 'Panel';
  @query('input[type=file]') private fileInput!: HTMLInputElement;

  override render() {
    const { noun, article } = this.kind;
    return html`
      <button ?disabled=${!this.value} @click=${this.exportJson} aria-label="Export ${this.panelLabel} ${noun} as JSON">
        Export JSON
      </button>
      <button @click=${() => this.fileInput.click()} aria-label="Import ${article} ${noun} for ${this.panelLabel}">
        Import JSON…
      </button>
      <input
        type="file"
        accept="application/json,.json"
        hidden
        aria-label="${noun} JSON file for ${this.panelLabel}"
        @change=${this.importFile}
      />
    `;
  }

  private exportJson(): void {
    if (!this.value) return;
    const bytes = new TextEncoder().encode(JSON.stringify(this.value, null, 2));
    downloadBytes(bytes, this.kind.fileName(this.value), 'application/json');
  }

  private async importFile(): Promise<void> {
    const file = this.fileInput.files?.[0];
    this.fileInput.value = '';
    if (!file) return;
    try {
      if (file.size > MAX_FILE_BYTES) throw new RangeError(`the file is ${file.size} bytes, at most 1 MB allowed`);
      const detail: ImportedCalibration = {
        kind: this.kind,
        value: await this.kind.install(this.sandbox, await file.text()),
      };
      this.dispatchEvent(new CustomEvent('calibration-imported', { detail, bubbles: true, composed: true }));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.dispatchEvent(
        new CustomEvent('notice', {
          detail: `${this.kind.noun} ${JSON.stringify(file.name.slice(0, 60))} not imported: ${reason.slice(0, 200)}`,
          bubbles: true,
          composed: true,
        }),
      );
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'calibration-file': CalibrationFile;
  }
}
