/**
 * A progress bar with an estimate of the time left. It stays hidden for the first moment, so
 * quick runs do not flash a bar.
 */
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { formatSecondsLeft, ProgressClock } from './runs/progress-clock';

const SHOW_AFTER_MS = 300;

@customElement('progress-bar')
export class ProgressBar extends LitElement {
  static override styles = css`
    :host {
      display: block;
      font-size: 0.8rem;
    }
    .row {
      display: flex;
      align-items: center;
      gap: 0.5em;
    }
    progress {
      flex: 1;
      height: 0.6em;
      accent-color: #ffb347;
    }
  `;

  /** 0–1, or null when nothing is running. */
  @property({ type: Number }) fraction: number | null = null;
  @property() label = 'Progress';
  @state() private visible = false;
  private clock?: ProgressClock;
  private timer?: ReturnType<typeof setTimeout>;

  override willUpdate(changed: PropertyValues<this>): void {
    if (!changed.has('fraction')) return;
    if (this.fraction === null) {
      this.clock = undefined;
      clearTimeout(this.timer);
      this.visible = false;
    } else if (!this.clock) {
      this.clock = new ProgressClock();
      this.timer = setTimeout(() => (this.visible = this.fraction !== null), SHOW_AFTER_MS);
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.timer);
  }

  override render() {
    if (!this.visible || this.fraction === null || !this.clock) return nothing;
    const percent = Math.round(this.fraction * 100);
    return html`<div class="row" role="status">
      <progress max="100" .value=${percent} aria-label=${this.label}></progress>
      <span>${percent}% · ${formatSecondsLeft(this.clock.secondsLeft(this.fraction))}</span>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'progress-bar': ProgressBar;
  }
}
