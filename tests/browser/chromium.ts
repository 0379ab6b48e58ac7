/** Launching the system Chromium with WebGPU on SwiftShader (flags measured in webgpu-testing.md). */
import puppeteer, { type Browser } from 'puppeteer-core';

const CHROMIUM_PATH = process.env.CHROME_PATH ?? '/usr/bin/chromium';

const SANDBOX_FLAGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
const WEBGPU_FLAGS = [
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-webgpu-adapter=swiftshader',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
];

export function launchChromium({ webgpu = true } = {}): Promise<Browser> {
  return puppeteer.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...SANDBOX_FLAGS, ...(webgpu ? WEBGPU_FLAGS : [])],
    protocolTimeout: 600_000,
  });
}
