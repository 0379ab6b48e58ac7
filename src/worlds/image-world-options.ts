/**
 * An image world's own options, declared once (./image-option.ts): the class of the images and their side. Their
 * ranges come from the world's manifest (its class names, its native side and the largest side it allows).
 */
import type { OptionValue } from '../sampling/option-spec';
import type { ImageOption, ImageOptionModule } from './image-option';

const CLASS_CHOICES = [
  { value: 'mixed', label: 'mixed (all classes)' },
  { value: 'unconditional', label: 'unconditional' },
] as const;

/** A class index as the page state holds it (a number), else the text itself. */
const classIndex = (value: OptionValue): OptionValue =>
  typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : value;

/** The class: one for every image, 'mixed' (image i gets class i mod the class count), or 'unconditional' (the null
 *  class of classifier-free guidance, Ho & Salimans 2022). The choices are the world's class names. */
const CLASS_OPTION: ImageOption = {
  scope: 'shared',
  spec: {
    key: 'label',
    label: 'Class',
    type: 'choice',
    choices: CLASS_CHOICES,
    default: 'mixed',
    infotext: 'Class',
    url: 'class',
    description: 'The class every image is conditioned on, all classes in turn, or none (the null class)',
  },
  onWorld: (image) => ({
    ...CLASS_OPTION.spec,
    type: 'choice',
    default: 'mixed',
    choices: [...CLASS_CHOICES, ...image.classes.map((name, i) => ({ value: String(i), label: name }))],
    rule: `a class 0–${image.classes.length - 1}, "mixed" or "unconditional"`,
  }),
  stored: {
    toState: classIndex,
    fromState: (raw) => (typeof raw === 'number' ? String(raw) : raw),
  },
  infotextAlways: true,
  infotextText: {
    write: (value, image) => (typeof value === 'number' ? (image.classes[value] ?? String(value)) : String(value)),
  },
};

/** "56x56" (or "56") → 56; anything else stays text, for the notice to quote. */
function readSide(text: string): number | string {
  const m = /^(\d{1,5})(?:x(\d{1,5}))?$/i.exec(text.trim());
  return m && (m[2] === undefined || m[2] === m[1]) ? Number(m[1]) : text;
}

/** The image side: the network is fully convolutional, so it runs at any multiple of its native side up to the
 *  largest its manifest allows. */
export const SIZE_OPTION: ImageOption = {
  scope: 'shared',
  spec: {
    key: 'size',
    label: 'Resolution',
    type: 'number',
    // No world has side 0: the default is the world's native side, which `onWorld` gives.
    min: 1,
    max: 4096,
    step: 1,
    default: 0,
    integer: true,
    infotext: 'Size',
    url: 'size',
    description: 'The network is fully convolutional: it runs at any multiple of its native side',
  },
  onWorld: (image) => ({
    ...SIZE_OPTION.spec,
    type: 'number',
    min: image.size,
    max: image.maxSize,
    step: image.size,
    multipleOf: image.size,
    default: image.size,
    integer: true,
    description: `The network is fully convolutional: it runs at any multiple of its native ${image.size}×${image.size}`,
  }),
  controlText: (value, image) => `${value}×${value}${value === image.size ? ' (native)' : ''}`,
  infotextAlways: true,
  infotextText: { write: (value) => `${value}x${value}`, read: readSide },
};

/** The class travels as `label` ('unconditional': no label, the null class). */
export const CLASS_MODULE: ImageOptionModule = {
  options: [CLASS_OPTION],
  request: ({ label }) => (label === 'unconditional' ? {} : { label }),
};

/** A panel that upscales bilinearly runs at the native side (the view enlarges it). */
export const SIZE_MODULE: ImageOptionModule = {
  options: [SIZE_OPTION],
  request: ({ size }, panel) => ({ size: panel.upscale === 'bilinear' ? panel.image.size : size }),
};
