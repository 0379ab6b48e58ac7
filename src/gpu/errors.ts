/** Errors a caller can act on, each with a message a human can read. */

export type WebGpuUnavailableReason = 'no-webgpu' | 'no-adapter' | 'device-failed';

const ADVICE =
  'WebGPU ships in Chrome/Edge 113+ on Windows, macOS and ChromeOS, Chrome 121+ on Android, Safari 26+, and Firefox 141+ on Windows; ' +
  'on Linux enable chrome://flags/#enable-unsafe-webgpu (and Vulkan).';

export class WebGpuUnavailableError extends Error {
  override name = 'WebGpuUnavailableError';
  constructor(
    readonly reason: WebGpuUnavailableReason,
    detail?: string,
  ) {
    super(
      (reason === 'no-webgpu'
        ? 'This browser has no WebGPU (navigator.gpu is missing). '
        : reason === 'no-adapter'
          ? 'WebGPU is present but no GPU adapter is available (requestAdapter() returned null): the GPU may be blocklisted or hardware acceleration is off. '
          : `A GPU adapter was found but creating the device failed${detail ? `: ${detail}` : ''}. `) + ADVICE,
    );
  }
}

/** A validation, out-of-memory or internal error captured by an error scope, or a WGSL compilation failure. */
export class GpuError extends Error {
  override name = 'GpuError';
  constructor(
    message: string,
    readonly kind: 'validation' | 'out-of-memory' | 'internal' | 'compilation',
  ) {
    super(message);
  }
}

/** The device was lost while work was in flight; the context recovers and the caller's request is retried. */
export class DeviceLostError extends Error {
  override name = 'DeviceLostError';
}

/** Thrown when a run is cancelled through its AbortSignal. */
export class CancelledError extends Error {
  override name = 'AbortError';
  constructor() {
    super('The run was cancelled.');
  }
}
