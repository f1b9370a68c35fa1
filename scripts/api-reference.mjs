#!/usr/bin/env node
/**
 * Writes docs/api.md, the package's API reference, from the type declarations the library build
 * emits (dist-lib/types, `tsc -p tsconfig.lib.json`): for each package entry point, every exported
 * name with its doc comment and its declaration. The declarations are the source of truth, so the
 * reference cannot drift from the types (TypeDoc and API Extractor need TypeScript's JS API, which
 * the native TypeScript 7 compiler used here does not provide).
 *
 *   npm run build:lib && node scripts/api-reference.mjs        # or: npm run docs:api
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const types = join(root, 'dist-lib/types');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** Top-level declarations of one .d.ts file: name → { kind, doc, text, exported }. */
function declarations(file) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const decls = new Map();
  const reexports = []; // { names: [[exported, local]] | '*', from }
  let doc = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith('/**')) {
      doc = [];
      for (; i < lines.length; i++) {
        doc.push(lines[i]);
        if (lines[i].includes('*/')) break;
      }
      continue;
    }
    const re = /^export (?:type )?(\*|\{([^}]*)\}) from ['"]([^'"]+)['"];/.exec(line);
    if (re) {
      const names = re[1] === '*' ? '*' : re[2].split(',').map((s) => s.trim()).filter(Boolean)
        .map((s) => s.replace(/^type\s+/, '').split(/\s+as\s+/)).map(([a, b]) => [b ?? a, a]);
      reexports.push({ names, from: re[3] });
      doc = [];
      continue;
    }
    const m = /^(export )?(?:declare )?(?:abstract )?(function|class|interface|type|const|let|enum) ([A-Za-z_$][\w$]*)/.exec(line);
    if (!m) {
      if (line.trim() !== '') doc = [];
      continue;
    }
    // the declaration runs until its braces/brackets close and the statement ends
    const text = [];
    let depth = 0;
    for (; i < lines.length; i++) {
      const l = lines[i];
      text.push(l);
      for (const ch of l.replace(/(["'`])(?:\\.|(?!\1).)*\1/g, '')) {
        if ('{(['.includes(ch)) depth++;
        else if ('})]'.includes(ch)) depth--;
      }
      if (depth <= 0 && (/[;}]\s*$/.test(l) || l.trim() === '')) break;
    }
    const name = m[3];
    const prev = decls.get(name);
    // overloads of a function: keep them together
    const entry = { kind: m[2], exported: Boolean(m[1]), doc: cleanDoc(doc), text: text.join('\n') };
    decls.set(name, prev && prev.kind === entry.kind ? { ...prev, text: `${prev.text}\n${entry.text}` } : entry);
    doc = [];
  }
  return { decls, reexports };
}

function cleanDoc(lines) {
  return lines.join('\n').replace(/^\s*\/\*\*\s?/, '').replace(/\s*\*\/\s*$/, '')
    .split('\n').map((l) => l.replace(/^\s*\* ?/, '')).join('\n').trim();
}

function resolveFile(from, spec) {
  const base = join(dirname(from), spec);
  for (const f of [`${base}.d.ts`, join(base, 'index.d.ts')]) if (existsSync(f)) return f;
  throw new Error(`cannot resolve ${spec} from ${relative(root, from)}`);
}

/** Every name a file exports, with its declaration, following re-exports. */
function exportsOf(file, seen = new Set()) {
  if (seen.has(file)) return new Map();
  seen.add(file);
  const { decls, reexports } = declarations(file);
  const out = new Map();
  for (const [name, d] of decls) if (d.exported) out.set(name, d);
  for (const { names, from } of reexports) {
    const target = exportsOf(resolveFile(file, from), new Set(seen));
    if (names === '*') {
      for (const [n, d] of target) if (!out.has(n)) out.set(n, d);
    } else {
      for (const [exported, local] of names) {
        const d = target.get(local) ?? declarations(resolveFile(file, from)).decls.get(local);
        if (d) out.set(exported, d);
      }
    }
  }
  return out;
}

const ORDER = ['function', 'class', 'const', 'let', 'interface', 'type', 'enum'];
let md = `# API reference\n\nGenerated from the package's type declarations by \`scripts/api-reference.mjs\` (\`npm run docs:api\`); do not edit by hand.\n`;
for (const [subpath, target] of Object.entries(pkg.exports)) {
  if (typeof target !== 'object' || !target.types) continue;
  const specifier = subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`;
  const entries = [...exportsOf(join(root, target.types))].sort(([a, x], [b, y]) =>
    ORDER.indexOf(x.kind) - ORDER.indexOf(y.kind) || a.localeCompare(b));
  md += `\n## \`${specifier}\`\n\n${entries.map(([n, d]) => `[${n}](#${slug(specifier, n)})`).join(' · ')}\n`;
  for (const [name, d] of entries) {
    md += `\n<a id="${slug(specifier, name)}"></a>\n### ${d.kind} \`${name}\`\n\n`;
    if (d.doc) md += `${d.doc}\n\n`;
    md += `\`\`\`ts\n${d.text.replace(/^export (declare )?/gm, '')}\n\`\`\`\n`;
  }
}

function slug(specifier, name) {
  return `${specifier.replace(/[^a-z0-9]+/gi, '-')}-${name}`.toLowerCase();
}

const out = join(root, 'docs/api.md');
writeFileSync(out, md);
console.log(`wrote ${relative(root, out)} (${md.length} characters)`);
