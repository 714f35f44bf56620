import { renderPdf } from './pdf';
import { pdfText } from './pdf-text';

describe('PDF rendering', () => {
  it('embeds a font that carries Cyrillic and every Kazakh letter (ә ғ қ ң ө ұ ү һ і)', async () => {
    const pdf = await renderPdf({
      fileName: 'x.pdf',
      letterhead: 'ЦОН Ақтау',
      meta: [],
      title: 'Қолхат',
      fields: [{ label: 'Кіріс нөмірі', value: 'PSCAKT-2026-00001' }],
      paragraphs: ['ә ғ қ ң ө ұ ү һ і Ә Ғ Қ Ң Ө Ұ Ү Һ І', 'Жалоба зарегистрирована'],
      stamp: ['ТІРКЕЛДІ'],
      footer: '1414',
    });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = await pdfText(pdf);
    expect(text).toContain('ә ғ қ ң ө ұ ү һ і Ә Ғ Қ Ң Ө Ұ Ү Һ І');
    expect(text).toContain('Жалоба зарегистрирована');
    expect(text).toContain('Кіріс нөмірі: PSCAKT-2026-00001');
  });
});
