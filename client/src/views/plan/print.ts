/**
 * Printable plan map, composed in the browser: title, the map canvas, legend, scale bar, north
 * arrow and a grid table on one A4-landscape canvas; saved as PNG, or as PDF through jsPDF. In
 * the PDF the graphics (map, legend swatches, scale bar, north arrow) are one page image and the
 * title, legend labels, grid table and notes are real text in the committed TrueType subset
 * client/public/print-fonts/ (scripts/build-pdf-font.ts), so they can be searched and copied; both
 * outputs share one layout. Offline: no outside URL.
 */
import type { Map as MlMap } from 'maplibre-gl';
import { t } from '../../i18n';
import { api } from '../../api';
import { attributionLines } from '../../district';
import { NON_CONTIGUOUS, OUT_OF_BAND } from '../../layers/grids';

export interface PrintGrid {
  code: string;
  households: number;
  inBand: boolean;
  contiguous: boolean;
  staff: string;
}

export interface PrintInput {
  map: MlMap;
  title: string;
  subtitle: string;
  grids: PrintGrid[];
}

/** A text run of the layout, in page pixels (baseline at y), as the PDF writes it. */
export interface PrintText {
  text: string;
  x: number;
  y: number;
  /** Em size in page pixels. */
  size: number;
  bold: boolean;
  colour: string;
}

const W = 2339; // A4 landscape at 200 dpi
const H = 1654;
const FONT = "'Noto Sans CJK SC', 'Noto Sans SC', sans-serif";

function niceScale(metres: number): number {
  const p = Math.pow(10, Math.floor(Math.log10(metres)));
  for (const m of [5, 2, 1]) if (m * p <= metres) return m * p;
  return p;
}

/** Where the PDF takes text runs instead of the canvas. */
export interface TextSink {
  texts: PrintText[];
  /** False for a run the PDF font cannot write (a character outside the subset): drawn instead. */
  accepts(text: string): boolean;
}

/**
 * Draws the page. With a `sink`, the text runs it accepts (all but the rotating north-arrow "N")
 * are collected there instead of drawn, for the PDF's text layer.
 */
export function composePrint(inp: PrintInput, sink?: TextSink): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = W;
  canvas.height = H;
  const g = canvas.getContext('2d')!;
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, W, H);
  const m = 60;
  const text = (str: string, x: number, y: number, size: number, bold: boolean, colour: string) => {
    if (sink?.accepts(str)) {
      sink.texts.push({ text: str, x, y, size, bold, colour });
      return;
    }
    g.fillStyle = colour;
    g.font = `${bold ? 'bold ' : ''}${size}px ${FONT}`;
    g.fillText(str, x, y);
  };
  // title
  text(inp.title, m, 90, 52, true, '#1f2330');
  text(inp.subtitle, m, 134, 28, false, '#5a5f6b');
  // map frame
  const src = inp.map.getCanvas();
  const mapW = 1560;
  const mapH = H - 170 - m;
  const mx = m;
  const my = 170;
  const scale = Math.min(mapW / src.width, mapH / src.height);
  const dw = src.width * scale;
  const dh = src.height * scale;
  g.drawImage(src, mx, my, dw, dh);
  g.strokeStyle = '#444';
  g.lineWidth = 2;
  g.strokeRect(mx, my, dw, dh);
  // scale bar: metres per CSS pixel at the centre latitude
  const c = inp.map.getCenter();
  const cssPerCanvas = inp.map.getContainer().clientWidth / src.width;
  const mPerCssPx = (40075016.686 * Math.cos((c.lat * Math.PI) / 180)) / (512 * Math.pow(2, inp.map.getZoom()));
  const mPerPrintPx = (mPerCssPx * cssPerCanvas) / scale;
  const bar = niceScale(mPerPrintPx * 300);
  const barPx = bar / mPerPrintPx;
  const bx = mx + 30;
  const by = my + dh - 40;
  g.fillStyle = 'rgba(255,255,255,0.85)';
  g.fillRect(bx - 14, by - 44, barPx + 120, 64);
  g.fillStyle = '#222';
  g.fillRect(bx, by, barPx, 10);
  g.fillStyle = '#fff';
  g.fillRect(bx + barPx / 2, by + 2, barPx / 2 - 2, 6);
  text(bar >= 1000 ? `${bar / 1000} km` : `${bar} m`, bx, by - 12, 24, false, '#222222');
  // north arrow (rotated with the map bearing)
  const nx = mx + dw - 70;
  const ny = my + 90;
  g.save();
  g.translate(nx, ny);
  g.rotate((-inp.map.getBearing() * Math.PI) / 180);
  g.fillStyle = 'rgba(255,255,255,0.85)';
  g.beginPath();
  g.arc(0, 0, 48, 0, Math.PI * 2);
  g.fill();
  g.fillStyle = '#222';
  g.beginPath();
  g.moveTo(0, -38);
  g.lineTo(18, 22);
  g.lineTo(0, 10);
  g.lineTo(-18, 22);
  g.closePath();
  g.fill();
  g.font = `bold 26px ${FONT}`;
  g.textAlign = 'center';
  g.fillText('N', 0, 46 - 2);
  g.restore();
  g.textAlign = 'left';
  // legend
  const lx = mx + mapW + 40;
  let ly = 200;
  text(t('plan.print.legend'), lx, ly, 30, true, '#1f2330');
  ly += 20;
  const item = (draw: () => void, label: string) => {
    ly += 40;
    draw();
    text(label, lx + 70, ly + 8, 24, false, '#333333');
  };
  const line =
    (colour: string, width: number, dash: number[] = []) =>
    () => {
      g.strokeStyle = colour;
      g.lineWidth = width;
      g.setLineDash(dash);
      g.beginPath();
      g.moveTo(lx, ly);
      g.lineTo(lx + 54, ly);
      g.stroke();
      g.setLineDash([]);
    };
  item(line('#303030', 3), t('legend.gridInBand'));
  item(line(OUT_OF_BAND, 6), t('legend.gridOutOfBand'));
  item(line(NON_CONTIGUOUS, 6, [12, 8]), t('legend.gridNonContiguous'));
  // grid table
  ly += 70;
  text(t('plan.print.table'), lx, ly, 30, true, '#1f2330');
  ly += 44;
  text(t('plan.col.code'), lx, ly, 22, true, '#555555');
  text(t('plan.col.households'), lx + 260, ly, 22, true, '#555555');
  text(t('plan.col.staff'), lx + 400, ly, 22, true, '#555555');
  const rows = Math.floor((H - m - ly - 40) / 30);
  for (const gr of inp.grids.slice(0, rows)) {
    ly += 30;
    const colour = gr.inBand && gr.contiguous ? '#222222' : OUT_OF_BAND;
    text(gr.code, lx, ly, 22, false, colour);
    text(String(gr.households), lx + 260, ly, 22, false, colour);
    text(gr.staff, lx + 400, ly, 22, false, '#222222');
  }
  if (inp.grids.length > rows) {
    ly += 34;
    text(t('plan.print.more', { n: inp.grids.length - rows }), lx, ly, 22, false, '#666666');
  }
  const notes = attributionLines();
  if (notes.length) text(notes[0], mx, H - 24, 20, false, '#888888');
  return canvas;
}

function download(blob: Blob, name: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 5000);
}

export async function savePng(inp: PrintInput, name: string): Promise<Blob> {
  const canvas = composePrint(inp);
  const blob = await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('toBlob'))), 'image/png'));
  download(blob, `${name}.png`);
  return blob;
}

const PDF_FONT = 'WanggePrintSansSC';
let fontBytes: Promise<string> | null = null;

/** The PDF font as the binary string jsPDF's addFileToVFS takes (fetched once per session). */
function pdfFont(): Promise<string> {
  fontBytes ??= api.pdfFont().then((buf) => {
    const b = new Uint8Array(buf);
    let s = '';
    for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
    return s;
  });
  fontBytes.catch(() => (fontBytes = null));
  return fontBytes;
}

export async function savePdf(inp: PrintInput, name: string): Promise<Blob> {
  const [{ jsPDF }, font] = await Promise.all([import('jspdf'), pdfFont()]);
  const pdf = new jsPDF({ orientation: 'landscape', unit: 'mm', format: 'a4', compress: true });
  pdf.setProperties({ title: inp.title, subject: inp.subtitle, creator: 'Wangge' });
  pdf.addFileToVFS(`${PDF_FONT}.ttf`, font);
  pdf.addFont(`${PDF_FONT}.ttf`, PDF_FONT, 'normal', 'Identity-H');
  pdf.setFont(PDF_FONT, 'normal');
  const ttf = (pdf.getFont() as unknown as { metadata: { characterToGlyph(code: number): number } }).metadata;
  const texts: PrintText[] = [];
  const accepts = (str: string) => {
    for (let i = 0; i < str.length; i++) if (str.charCodeAt(i) > 32 && !ttf.characterToGlyph(str.charCodeAt(i))) return false;
    return true;
  };
  const canvas = composePrint(inp, { texts, accepts });
  pdf.addImage(canvas.toDataURL('image/jpeg', 0.92), 'JPEG', 0, 0, 297, 210);
  const mm = 297 / W;
  const pt = (mm * 72) / 25.4;
  for (const r of texts) {
    pdf.setFontSize(r.size * pt);
    pdf.setTextColor(r.colour);
    // bold as fill + a thin stroke of the same colour (the subset has one weight)
    if (r.bold) {
      pdf.setDrawColor(r.colour);
      pdf.setLineWidth(r.size * mm * 0.03);
    }
    pdf.text(r.text, r.x * mm, r.y * mm, { baseline: 'alphabetic', renderingMode: r.bold ? 'fillThenStroke' : 'fill' });
  }
  const blob = pdf.output('blob');
  download(blob, `${name}.pdf`);
  return blob;
}
