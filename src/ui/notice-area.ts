/**
 * Messages the page owes the user: ignored values from a URL or PNG, GPU errors, a lost and
 * recovered device. Each is dismissible. Text is rendered as text (Lit escapes it), so a hostile URL can put
 * nothing into the DOM but characters.
 *
 * @fires dismiss - detail: the id of the dismissed notice
 * @fires dismiss-all - every notice was dismissed at once (shown from two notices on)
 */
import { css, html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { controls, focusRing } from './styles';

export interface Notice {
  id: number;
  kind: 'notice' | 'gpu-error' | 'device';
  text: string;
}

const TITLES: Record<Notice['kind'], string> = { notice: 'Notice', 'gpu-error': 'GPU error', device: 'GPU device' };

@customElement('notice-area')
export class NoticeArea extends LitElement {
  static override styles = [
    focusRing,
    controls,
    css`
      :host {
        display: flex;
        flex-direction: column;
        gap: 0.4rem;
      }
      .notice {
        display: flex;
        gap: 0.6rem;
        align-items: flex-start;
        padding: 0.45rem 0.7rem;
        border-radius: 6px;
        font-size: 0.85rem;
        background: #2a2a12;
        border: 1px solid #6b6420;
      }
      .gpu-error {
        background: #3a1418;
        border-color: #a33a45;
      }
      .device {
        background: #12283a;
        border-color: #2f6b96;
      }
      .text {
        flex: 1;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      strong {
        margin-right: 0.4em;
      }
      .dismiss-all {
        align-self: flex-end;
      }
    `,
  ];

  @property({ attribute: false }) notices: Notice[] = [];

  override render() {
    const all =
      this.notices.length > 1
        ? html`<button class="dismiss-all" @click=${() => this.dispatchEvent(new CustomEvent('dismiss-all'))}>
            Dismiss all ${this.notices.length} notices
          </button>`
        : '';
    return html`${this.list()}${all}`;
  }

  private list() {
    return repeat(
      this.notices,
      (n) => n.id,
      (n) =>
        html`<div class="notice ${n.kind}" role=${n.kind === 'gpu-error' ? 'alert' : 'status'} data-kind=${n.kind}>
          <span class="text"><strong>${TITLES[n.kind]}:</strong>${n.text}</span>
          <button
            aria-label="Dismiss this ${TITLES[n.kind].toLowerCase()}"
            @click=${() => this.dispatchEvent(new CustomEvent('dismiss', { detail: n.id }))}
          >
            Dismiss
          </button>
        </div>`,
    );
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'notice-area': NoticeArea;
  }
}
