import { type GalleryItem, galleryOrder } from './model/gallery';

// The gallery's scenario files are bundled at build time (small text files), so the drawer
// lists them without a round trip; loading still goes through the server (`load {gallery}`).
const files = import.meta.glob('../../src/main/resources/scenarios/*.cow', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
const index = Object.values(
  import.meta.glob('../../src/main/resources/scenarios/index.txt', { query: '?raw', import: 'default', eager: true }) as Record<string, string>,
)[0] ?? '';

export const GALLERY: readonly GalleryItem[] = galleryOrder(
  index,
  Object.fromEntries(Object.entries(files).map(([path, text]) => [path.replace(/^.*\//, '').replace(/\.cow$/, ''), text])),
);
