/** One captioned picture of an image panel: made by image-frames.ts, drawn by <image-grid-view>. Its own module, so
 *  the maker and the component depend on it rather than on each other. */
import type { RgbaImage } from './offscreen';

export interface ImageFrame {
  caption: string;
  image: RgbaImage;
}
