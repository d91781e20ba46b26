import { expect, test, type Page, type Request, type Response } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';

/** Real query photos (one path a line, set by e2e/run.sh). */
const photos = (process.env.E2E_QUERY_IMAGES ?? process.env.E2E_QUERY_IMAGE ?? '').split('\n').filter(Boolean);
const screenshots = 'test-results/screenshots';

interface Result { id: string; score: number; similarity: number; same_product: boolean }
interface Answer { results: Result[] }

/** A photo to search with: a file, or bytes the test made. */
type Photo = string | { name: string; mimeType: string; buffer: Buffer };

function nameOf(photo: Photo): string {
  return typeof photo === 'string' ? basename(photo) : photo.name;
}

/**
 * Makes a photo in the page from real query photos: `columns` × `rows` of them, each stretched over its cell, as a
 * JPEG (Chromium's encoder), PNG or lossy WebP; `alpha` below 1 makes a PNG with transparency.
 */
async function madePhoto(page: Page, name: string, sources: string[], width: number, height: number, columns: number, type: string, alpha = 1): Promise<Photo> {
  const images = sources.map((source) => readFileSync(source).toString('base64'));
  const encoded = await page.evaluate(async ({ images, width, height, columns, type, alpha }) => {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext('2d')!;
    context.globalAlpha = alpha;
    const rows = Math.ceil(images.length / columns);
    for (const [i, image] of images.entries()) {
      const bitmap = await createImageBitmap(new Blob([Uint8Array.from(atob(image), (c) => c.charCodeAt(0))]));
      const [w, h] = [width / columns, height / rows];
      context.drawImage(bitmap, (i % columns) * w, Math.floor(i / columns) * h, w, h);
    }
    const blob = await new Promise<Blob | null>((done) => { canvas.toBlob(done, type, 0.9); });
    const bytes = new Uint8Array(await blob!.arrayBuffer());
    let text = '';
    for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(text);
  }, { images, width, height, columns, type, alpha });
  return { name, mimeType: type, buffer: Buffer.from(encoded, 'base64') };
}

function isPost(path: string) {
  return (response: Response) => response.request().method() === 'POST' && new URL(response.url()).pathname === path;
}

/** Searches with a photo and returns the API's answer to the page's request (by photo or by vector). */
async function search(page: Page, photo: Photo, path: '/search' | '/search/vector'): Promise<Answer> {
  const answer = page.waitForResponse(isPost(path), { timeout: 60_000 });
  await page.locator('#file-input').setInputFiles(photo);
  const response = await answer;
  expect(response.status(), `${path} for ${nameOf(photo)}`).toBe(200);
  const body = (await response.json()) as Answer;
  await expect(page.locator('#status')).toContainText('Showing');
  return body;
}

async function setOnDevice(page: Page, on: boolean): Promise<void> {
  const toggle = page.getByRole('switch', { name: 'On-device: photo never leaves this device' });
  await toggle.setChecked(on);
  if (on) await expect(page.locator('#on-device-status')).toContainText('Ready', { timeout: 60_000 });
}

/** The ids of the first five cards shown, at threshold 0 and best first. */
async function shownTopFive(page: Page): Promise<string[]> {
  await page.getByLabel('Show matches at least this likely').fill('0');
  await expect(page.locator('#status')).toContainText('at least 0% likely');
  return (await page.locator('#grid .card').evaluateAll((cards) => cards.map((card) => (card as HTMLElement).dataset.id ?? ''))).slice(0, 5);
}

test.beforeAll(() => {
  expect(photos.length, 'E2E_QUERY_IMAGES names photos (set by e2e/run.sh)').toBeGreaterThan(0);
});

/** Searches with `photo` on the server, then on the device, and expects the same top 5 with the same cosines. */
async function expectSameTopFive(page: Page, photo: Photo): Promise<void> {
  await setOnDevice(page, false);
  const server = await search(page, photo, '/search');
  const serverShown = await shownTopFive(page);

  await setOnDevice(page, true);
  const onDevice = await search(page, photo, '/search/vector');
  await expect(page.locator('#query-caption')).toContainText('searched on this device');
  const onDeviceShown = await shownTopFive(page);

  const name = nameOf(photo);
  const top = (answer: Answer) => answer.results.slice(0, 5);
  expect(top(onDevice).map((r) => r.id), `top 5 of ${name}`).toEqual(top(server).map((r) => r.id));
  expect(onDeviceShown, `cards shown for ${name}`).toEqual(serverShown);
  expect(onDeviceShown).toEqual(top(server).map((r) => r.id));
  // The same pixels, the same tensor, the same model: the cosines agree to the 4 decimals the API gives.
  for (const [i, result] of top(onDevice).entries()) {
    expect(Math.abs(result.similarity - top(server)[i]!.similarity), `similarity of ${result.id} for ${name}`).toBeLessThanOrEqual(1e-4 + 1e-9);
  }
}

test('on-device mode finds the same top 5 as the server for real photos', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto('/');
  await expect(page.locator('#categories .chip').first()).toBeVisible();
  for (const photo of photos) await expectSameTopFive(page, photo);
});

test('on-device mode decodes as the server does: large photos scaled in the DCT domain, EXIF, CMYK, PNG and WebP', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('/');
  await expect(page.locator('#categories .chip').first()).toBeVisible();
  const fixtures = resolve('../tests/Imaging/Fixtures');
  const made = [
    // The server decodes these at 1/2, 1/4 and 1/8 of their size (its shorter side stays at least 320).
    await madePhoto(page, 'large-1600x1200.jpg', photos.slice(0, 1), 1600, 1200, 1, 'image/jpeg'),
    await madePhoto(page, 'large-2400x3200.jpg', photos.slice(1, 2), 2400, 3200, 1, 'image/jpeg'),
    await madePhoto(page, 'phone-4032x3024.jpg', photos.slice(2, 3), 4032, 3024, 1, 'image/jpeg'),
    await madePhoto(page, 'tiles-3000x2666.jpg', photos.slice(0, 6), 3000, 2666, 3, 'image/jpeg'),
    await madePhoto(page, 'photo.png', photos.slice(3, 4), 400, 533, 1, 'image/png'),
    await madePhoto(page, 'photo.webp', photos.slice(4, 5), 400, 533, 1, 'image/webp'),
  ];
  for (const photo of [...made, `${fixtures}/exif6.jpg`, `${fixtures}/exif3.jpg`, `${fixtures}/cmyk_adobe.jpg`, `${fixtures}/gray.jpg`]) {
    await expectSameTopFive(page, photo);
  }
});

test('in on-device mode no request carries the photo: only JSON with the vector goes to /search/vector', async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  const photo = photos[0]!;
  const requests: Request[] = [];
  page.on('request', (request) => { requests.push(request); });

  await page.goto('/');
  await setOnDevice(page, true);
  await search(page, photo, '/search/vector');
  // Refining by category searches again with the same vector: the photo is not embedded, or sent, again.
  const again = page.waitForResponse(isPost('/search/vector'));
  await page.locator('#categories .chip').first().click();
  expect((await again).status()).toBe(200);

  const origin = new URL(baseURL ?? '').origin;
  const network = requests.filter((r) => r.url().startsWith('http'));
  // Everything, the runtime and the model included, comes from our own origin: no CDN, no other host.
  expect(network.map((r) => new URL(r.url()).origin)).toEqual(network.map(() => origin));
  expect(network.some((r) => /\/assets\/ort-wasm-simd-threaded-[\w-]+\.wasm$/.test(new URL(r.url()).pathname))).toBe(true);
  expect(network.some((r) => /\/assets\/jpeg-turbo-[\w-]+\.wasm$/.test(new URL(r.url()).pathname))).toBe(true);
  // The 14 MB runtime travels compressed (the build writes .br and .gz copies the API serves).
  const runtime = network.find((r) => new URL(r.url()).pathname.includes('/assets/ort-wasm-simd-threaded-'))!;
  expect(['br', 'gzip']).toContain((await runtime.response())?.headers()['content-encoding']);
  expect(network.some((r) => new URL(r.url()).pathname === '/model/feature.onnx')).toBe(true);

  const sent = network.filter((r) => r.method() !== 'GET' && r.method() !== 'HEAD');
  expect(sent.map((r) => `${r.method()} ${new URL(r.url()).pathname}`)).toEqual(['POST /search/vector', 'POST /search/vector']);
  const photoBytes = readFileSync(photo);
  for (const request of sent) {
    expect(request.headers()['content-type']).toBe('application/json');
    const body = request.postDataBuffer() ?? Buffer.alloc(0);
    expect(body.includes(photoBytes.subarray(0, 64)), 'the photo\'s bytes are not in the body').toBe(false);
    const json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    expect(Object.keys(json).every((key) => ['vector', 'top_k', 'threshold', 'category', 'min_price', 'max_price'].includes(key))).toBe(true);
    expect((json.vector as unknown[]).length).toBe(1280);
    expect((json.vector as unknown[]).every((v) => typeof v === 'number')).toBe(true);
  }
  // GET requests carry no body, and none has a query long enough to hold a photo.
  expect(network.filter((r) => r.method() === 'GET').every((r) => r.url().length < 200)).toBe(true);

  // The choice is remembered.
  await page.reload();
  await expect(page.getByRole('switch', { name: /On-device/ })).toBeChecked();
});

test('on-device mode shows the model download\'s progress, and searches a box drawn on the photo on this device', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/');
  // Every text the status beside the toggle shows, as it changes.
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { seen: string[] }).seen = seen;
    const status = document.getElementById('on-device-status')!;
    new MutationObserver(() => { seen.push(status.textContent); }).observe(status, { childList: true, characterData: true, subtree: true });
  });
  await setOnDevice(page, true);
  const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
  expect(seen.some((text) => /Downloading the search model: [\d.]+ of 2\.4 MB/.test(text)), seen.join(' | ')).toBe(true);

  const requests: string[] = [];
  page.on('request', (request) => { if (request.method() === 'POST') requests.push(new URL(request.url()).pathname); });
  await search(page, photos[0]!, '/search/vector');
  await page.getByRole('button', { name: 'Search a part of the photo' }).click();
  const image = (await page.locator('#query-image').boundingBox())!;
  await page.mouse.move(image.x + image.width * 0.2, image.y + image.height * 0.2);
  await page.mouse.down();
  await page.mouse.move(image.x + image.width * 0.8, image.y + image.height * 0.6, { steps: 4 });
  await page.mouse.up();
  const cropped = page.waitForResponse(isPost('/search/vector'));
  await page.getByRole('button', { name: 'Search this area' }).click();
  expect((await cropped).status()).toBe(200);
  await expect(page.locator('#query-caption')).toContainText('the part in the box');
  expect(requests).toEqual(['/search/vector', '/search/vector']);
});

test('in on-device mode the page says that an image URL is still searched on the server', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('#url-note')).toBeHidden();
  await setOnDevice(page, true);
  const note = page.locator('#url-note');
  await expect(note).toBeVisible();
  await expect(note).toContainText('still searched on the server');
  await expect(page.getByLabel('Or search by image URL')).toHaveAccessibleDescription(/still searched on the server/);

  const answer = page.waitForResponse(isPost('/search'));
  await page.getByLabel('Or search by image URL').fill('http://169.254.169.254/');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  expect((await answer).status()).toBe(400);
  await expect(page.getByRole('alert')).toContainText('That image address cannot be used');
});

test('in on-device mode a file that is not an image is refused here, in the same words', async ({ page }) => {
  const requests: string[] = [];
  page.on('request', (request) => { if (request.method() === 'POST') requests.push(request.url()); });
  await page.goto('/');
  await setOnDevice(page, true);
  await page.locator('#file-input').setInputFiles({ name: 'notes.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('this is not a photo') });
  await expect(page.getByRole('alert')).toContainText('not a supported image');
  expect(requests).toEqual([]);
});

test('an on-device screenshot at 1280 px (the README\'s)', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto('/');
  await expect(page.locator('#categories .chip').first()).toBeVisible();
  await setOnDevice(page, true);
  await search(page, photos[0]!, '/search/vector');
  // A fuller grid than the 70% default gives with calibrated scores: the README shows what the scores look like.
  await page.getByLabel('Show matches at least this likely').fill('50');
  await expect(page.locator('#status')).toContainText('at least 50% likely');
  await expect(page.locator('#grid .card').first()).toBeVisible();
  await page.locator('#threshold').blur();
  await page.evaluate(() => { window.scrollTo(0, 0); });
  await page.waitForFunction(() => Array.from(document.querySelectorAll<HTMLImageElement>('#grid img')).slice(0, 10).every((img) => img.complete && img.naturalWidth > 0));
  await page.screenshot({ path: `${screenshots}/page-1280-ondevice.png` });
});
