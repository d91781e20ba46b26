/**
 * Does making photos small before upload change what is found? For each photo, the top result of the page's upload
 * (scaled in the browser to a shorter side of 512, see src/upload.ts) against the top result of the original file
 * sent as it is, on the real API. E2E_MEASURE_ALL=1 uses every photo of E2E_QUERIES_DIR (the shared 333 clothing
 * queries) and 60 generated 12 MP photos and writes the numbers to test-results/downscale.json; otherwise a sample of
 * 24 photos and 6 large ones keeps the suite quick. Either way the agreement on the query photos must be at least 95%
 * and every large photo's upload at most 400 kB.
 *   E2E_MEASURE_ALL=1 web/e2e/run.sh downscale.spec.ts
 */
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { madePhoto, openPage, queryImages, recordUploads, uploads, type Photo } from './helpers';

const all = process.env.E2E_MEASURE_ALL === '1';
const directory = process.env.E2E_QUERIES_DIR ?? '';

interface Answer { results: { id: string; similarity: number }[] }

async function originalTop(request: APIRequestContext, bytes: Buffer, name: string): Promise<string> {
  return (await originalTopTwo(request, bytes, name)).results[0]!.id;
}

async function originalTopTwo(request: APIRequestContext, bytes: Buffer, name: string): Promise<Answer> {
  const response = await request.post('/search', {
    multipart: { file: { name, mimeType: 'image/jpeg', buffer: bytes }, top_k: '2', threshold: '0' },
  });
  expect(response.status(), name).toBe(200);
  return (await response.json()) as Answer;
}

async function pageTop(page: Page, photo: Photo): Promise<{ id: string; sent: number; similarity: number }> {
  const answer = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/search');
  await page.locator('#file-input').setInputFiles(photo);
  const response = await answer;
  expect(response.status()).toBe(200);
  const sent = (await uploads(page)).at(-1) ?? 0;
  const top = ((await response.json()) as Answer).results[0]!;
  return { id: top.id, sent, similarity: top.similarity };
}

test('uploading the page\'s small copy finds the same top result as the original for ≥ 95% of photos', async ({ page, request }) => {
  const files = directory
    ? readdirSync(directory).filter((f) => f.endsWith('.jpg')).sort().map((f) => join(directory, f))
    : queryImages;
  expect(files.length).toBeGreaterThan(0);
  const photos = all ? files : files.filter((_, i) => i % Math.max(1, Math.floor(files.length / 24)) === 0).slice(0, 24);
  const largeCount = all ? 60 : 6;
  test.setTimeout((photos.length + largeCount) * 4000 + 60_000);
  await recordUploads(page);
  await openPage(page);

  let same = 0;
  const differing: string[] = [];
  for (const path of photos) {
    const original = await originalTop(request, readFileSync(path), path);
    const { id } = await pageTop(page, path);
    if (id === original) same++;
    else differing.push(path);
  }

  // Phone-sized photos made from the query photos (each stretched to 4032×3024 and saved as JPEG at quality 0.92).
  let largeSame = 0;
  const sizes: number[] = [];
  const originals: number[] = [];
  const largeDiffering: string[] = [];
  for (let i = 0; i < largeCount; i++) {
    const source = files[(i * 7919) % files.length]!;
    const large = await madePhoto(page, `large-${i}.jpg`, [source], i % 2 ? 3024 : 4032, i % 2 ? 4032 : 3024, 1, 'image/jpeg', 0.92);
    originals.push(large.buffer.length);
    const original = await originalTopTwo(request, large.buffer, large.name);
    const { id, sent, similarity } = await pageTop(page, large);
    sizes.push(sent);
    if (id === original.results[0]!.id) largeSame++;
    else {
      const sentPhoto = await page.evaluate(async () => {
        const blob = (window as unknown as { lastUpload: Blob }).lastUpload;
        const bitmap = await createImageBitmap(blob);
        const bytes = new Uint8Array(await blob.arrayBuffer());
        let text = '';
        for (let k = 0; k < bytes.length; k += 0x8000) text += String.fromCharCode(...bytes.subarray(k, k + 0x8000));
        return { b64: btoa(text), size: `${bitmap.width}x${bitmap.height}` };
      });
      const again = await originalTopTwo(request, Buffer.from(sentPhoto.b64, 'base64'), 'sent.jpg');
      if (process.env.E2E_KEEP_DIFFERING === '1') {
        writeFileSync(`test-results/differing-${i}-original.jpg`, large.buffer);
        writeFileSync(`test-results/differing-${i}-sent.jpg`, Buffer.from(sentPhoto.b64, 'base64'));
      }
      largeDiffering.push(`${original.results.map((r) => `${r.id} ${r.similarity}`).join(', ')} / page ${id} ${similarity} / sent ${sentPhoto.size} again ${again.results[0]!.id} ${again.results[0]!.similarity}`);
    }
  }

  const report = {
    photos: photos.length,
    same_top1: same,
    agreement: same / photos.length,
    large_photos: largeCount,
    large_same_top1: largeSame,
    large_agreement: largeSame / largeCount,
    large_original_bytes_median: originals.sort((a, b) => a - b)[Math.floor(originals.length / 2)],
    upload_bytes_max: Math.max(...sizes),
    upload_bytes_median: sizes.sort((a, b) => a - b)[Math.floor(sizes.length / 2)],
    differing: differing.map((p) => p.split('/').pop()),
    large_differing: largeDiffering,
  };
  console.log(`downscale: ${JSON.stringify(report)}`);
  if (all) writeFileSync('test-results/downscale.json', `${JSON.stringify(report, null, 2)}\n`);
  expect(report.agreement).toBeGreaterThanOrEqual(0.95);
  expect(report.upload_bytes_max).toBeLessThanOrEqual(400_000);
  // The generated 12 MP photos (query photos stretched 5–8×) do not reach 95%: see web/README.md ("Small uploads").
  // What is checked here is that each one was searched; the agreement is reported, not asserted.
  expect(sizes).toHaveLength(largeCount);
});
