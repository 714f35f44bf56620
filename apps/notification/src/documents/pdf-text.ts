/** Test helper: the text of a PDF, as a reader's copy-paste would give it (pdf-parse). */
export async function pdfText(pdf: Buffer): Promise<string> {
  // The library's own entry runs a debug script when loaded from a test; its lib does not.
  const parse = require('pdf-parse/lib/pdf-parse.js') as (data: Uint8Array) => Promise<{ text: string; numpages: number }>;
  // Its bundled pdf.js (2017) logs a warning for every byte of the hex strings newer writers emit.
  const log = console.log;
  console.log = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('Warning:')) return;
    log(...args);
  };
  try {
    // A plain Uint8Array of this realm: under jest a Node Buffer fails pdf.js's instanceof
    // checks and is parsed as a string (content-dependent failures such as "bad XRef entry").
    return (await parse(new Uint8Array(pdf))).text;
  } finally {
    console.log = log;
  }
}
