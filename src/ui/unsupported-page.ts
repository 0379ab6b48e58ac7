/**
 * What the page shows instead of the sandbox when WebGPU is missing: what exactly is missing,
 * and which browsers and settings provide it. Loud and specific, as webgpu/webgpu-samples does.
 */
import { css, html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';

const WHAT_IS_MISSING: Record<string, string> = {
  'no-webgpu': 'This browser does not offer WebGPU (navigator.gpu is missing).',
  'no-adapter': 'This browser has WebGPU, but it found no usable GPU adapter (requestAdapter() returned null).',
  'device-failed': 'A GPU adapter was found, but the browser could not create a WebGPU device on it.',
};

@customElement('unsupported-page')
export class UnsupportedPage extends LitElement {
  static override styles = css`
    :host {
      display: block;
      max-width: 46rem;
      margin: 3rem auto;
      padding: 0 1rem;
      line-height: 1.5;
    }
    h1 {
      font-size: 1.6rem;
    }
    .detail {
      color: #c0c6e8;
      font-size: 0.9rem;
      white-space: pre-wrap;
    }
    li {
      margin: 0.3rem 0;
    }
    code {
      background: #1b1f36;
      padding: 0 0.25em;
      border-radius: 3px;
    }
  `;

  /** 'no-webgpu' | 'no-adapter' | 'device-failed' (WebGpuUnavailableError.reason), or '' for another failure. */
  @property() reason = '';
  /** The error's own message. */
  @property() detail = '';

  override render() {
    return html`
      <h1>Diffusion Sandbox needs WebGPU</h1>
      <p role="alert" data-reason=${this.reason}>
        <strong>${WHAT_IS_MISSING[this.reason] ?? 'WebGPU could not be started.'}</strong>
      </p>
      <p>The samplers run as WebGPU compute shaders, so the page cannot work without it. WebGPU is available in:</p>
      <ul>
        <li>
          <strong>Chrome and Edge 113+</strong> on Windows, macOS and ChromeOS; <strong>Chrome 121+</strong> on Android.
        </li>
        <li><strong>Safari 26+</strong> on macOS, iOS and iPadOS.</li>
        <li>
          <strong>Firefox 141+</strong> on Windows (other platforms: <code>dom.webgpu.enabled</code> in
          <code>about:config</code>).
        </li>
        <li>
          <strong>Chrome on Linux:</strong> enable <code>chrome://flags/#enable-unsafe-webgpu</code> and
          <code>chrome://flags/#enable-vulkan</code>, then restart.
        </li>
      </ul>
      <p>
        If your browser is on this list and you still see this page: turn on hardware acceleration (Chrome: Settings →
        System → "Use graphics acceleration when available"), update the GPU driver, and check
        <code>chrome://gpu</code> for a blocklisted GPU.
      </p>
      <p class="detail">${this.detail}</p>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'unsupported-page': UnsupportedPage;
  }
}
