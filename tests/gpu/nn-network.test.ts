import { describe, expect, it } from 'vitest';
import { loadGolden, relativeToScale } from '../reference/nn-golden';
import { useNnPage } from './nn-session';

const holder = useNnPage();
const golden = loadGolden();

describe('the WGSL UNet against the PyTorch golden vectors', () => {
  it('unet_28: D, v and every tapped activation within 1e-3 of their scale', async () => {
    const c = golden.cases.get('unet_28')!;
    const taps = ['h.in', 'down.0.out', 'down.1.out', 'down.2.out', 'mid.out', 'up.0.out', 'up.1.out', 'up.2.out', 'v'];
    const r = await holder.session.page.evaluate(async (x, sigma, labels, keep) => (window as any).harness.unetDenoise({ x, sigma, labels, size: 28, keep }), Array.from(c.arrays.get('x')!.data), c.sigma!, c.labels!, taps);
    for (const tap of taps) {
      const err = relativeToScale(r.kept[tap], c.arrays.get(tap)!.data);
      console.log(tap, err.toExponential(2));
      expect(err, tap).toBeLessThan(1e-3);
    }
    const errD = relativeToScale(r.out, c.arrays.get('D')!.data);
    console.log('D', errD, r.info);
    expect(errD).toBeLessThan(1e-3);
  });
});
