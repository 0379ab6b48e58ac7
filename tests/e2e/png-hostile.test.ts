/** Hostile PNGs opened on the built page: a zlib bomb and a file whose CRC fails are refused within a second, with a
 *  notice that says nothing was restored, and the page keeps its settings. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ElementHandle } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { encodePng, STATE_CHUNK } from '../../src/export/png';
import { defaultState } from '../../src/state/params';
import { stateToHash } from '../../src/state/url';
import { chunk, ihdr, png, textChunk, zlibBomb } from '../unit/png-bytes';
import { closeAfterEach, downloadDir, notices, openApp, settledHash, type AppSession } from './app-page';

const dir = downloadDir('sandbox-hostile-png-');
let session: AppSession | undefined;
closeAfterEach(
  () => session,
  () => (session = undefined),
);

describe('hostile PNG files on the page', () => {
  it('a 1 GB zlib bomb and a damaged file: refused at once, settings kept, a true notice', async () => {
    const bomb = join(dir, 'bomb.png');
    const state = { ...defaultState(), seed: 1234, count: 64 };
    writeFileSync(
      bomb,
      png(
        ihdr(1, 1),
        chunk('IDAT', zlibBomb(Math.ceil(2 ** 30 / 258))),
        textChunk(STATE_CHUNK, JSON.stringify({ ...state, seed: 1 })),
        chunk('IEND', new Uint8Array()),
      ),
    );
    const damaged = join(dir, 'damaged.png');
    const bytes = encodePng({ width: 1, height: 1, data: new Uint8Array(4) }, { ...state, seed: 2 }, 'Seed: 2');
    bytes[bytes.length - 30] ^= 1;
    writeFileSync(damaged, bytes);

    session = await openApp(stateToHash(state));
    const hash = await settledHash(session.page, stateToHash(state));
    const input = (await session.page.$('sandbox-app >>> input[type=file]')) as ElementHandle<HTMLInputElement>;
    for (const [file, notice] of [
      [bomb, /PNG: the image data inflates to more than the 5 bytes its header implies; refused; nothing restored/],
      [damaged, /PNG: the file is damaged \(chunk "tEXt" fails its CRC check\); nothing restored/],
    ] as const) {
      const started = Date.now();
      await input.uploadFile(file);
      let shown: string[] = [];
      while (!shown.some((n) => notice.test(n)) && Date.now() - started < 10_000) shown = await notices(session.page);
      // The refusal comes from the header and the first slice of data, not from inflating a gigabyte.
      expect(Date.now() - started).toBeLessThan(1000);
      expect(shown.filter((n) => n.includes('PNG:')).at(-1)).toMatch(notice);
      expect(await settledHash(session.page)).toBe(hash);
    }
  });
});
