import { Resvg } from '@resvg/resvg-js';

/** How much larger than the SVG's own size the PNG is drawn: 2 stays sharp on high-density screens. */
export const PNG_ZOOM = 2;

/**
 * Rasterises an SVG into a PNG in process with resvg (no browser, nothing fetched): text is drawn
 * with the machine's fonts, the SVG's font-family list picking the first one installed.
 */
export function svgToPng(svg: string, zoom = PNG_ZOOM): Uint8Array {
  const resvg = new Resvg(svg, {
    background: '#ffffff',
    fitTo: { mode: 'zoom', value: zoom },
    font: { loadSystemFonts: true },
    // Font lookup misses are expected (the list names fonts of several systems): not worth a log line.
    logLevel: 'off',
  });
  return resvg.render().asPng();
}
