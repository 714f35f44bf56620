import PDFDocument from 'pdfkit';
import type { DocumentContent } from '../domain/documents';

/**
 * DejaVu (npm dejavu-fonts-ttf) carries Cyrillic and the Kazakh letters ә ғ қ ң ө ұ ү һ і;
 * pdfkit's built-in fonts carry neither. Resolved from node_modules at run time (the bundle
 * keeps npm packages external).
 */
const FONT = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const FONT_BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');

/** Lays a document out on A4 and returns the PDF bytes. */
export function renderPdf(content: DocumentContent): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: 56, info: { Title: content.title, Producer: 'Shagym', Creator: 'Shagym notification' } });
    doc.registerFont('regular', FONT);
    doc.registerFont('bold', FONT_BOLD);
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);

    const width = doc.page.width - 112;
    doc.font('bold').fontSize(13).text(content.letterhead, { align: 'center', width });
    doc.moveDown(0.5);
    doc.moveTo(56, doc.y).lineTo(56 + width, doc.y).stroke();
    doc.moveDown(1);
    doc.font('regular').fontSize(10);
    for (const line of content.meta) doc.text(line, { align: 'right', width });
    if (content.meta.length) doc.moveDown(1);
    doc.font('bold').fontSize(15).text(content.title, { align: 'center', width });
    doc.moveDown(1);
    for (const f of content.fields) {
      doc.font('bold').fontSize(11).text(`${f.label}: `, { continued: true }).font('regular').text(f.value);
      doc.moveDown(0.3);
    }
    doc.moveDown(0.7);
    doc.font('regular').fontSize(11);
    for (const p of content.paragraphs) {
      doc.text(p, { align: 'justify', width });
      doc.moveDown(0.6);
    }
    if (content.stamp) {
      doc.moveDown(1);
      const x = 56 + width - 230;
      const y = doc.y;
      const h = 16 + content.stamp.length * 16;
      doc.lineWidth(1.5).rect(x, y, 230, h).stroke();
      content.stamp.forEach((line, i) => {
        doc.font(i === 0 ? 'bold' : 'regular').fontSize(i === 0 ? 12 : 9).text(line, x + 8, y + 8 + i * 16, { width: 214, align: 'center', lineBreak: false, ellipsis: true });
      });
      doc.x = 56;
      doc.y = y + h + 16;
    }
    doc.moveDown(1);
    doc.font('regular').fontSize(9).fillColor('#444444').text(content.footer, 56, doc.y, { width });
    doc.end();
  });
}
