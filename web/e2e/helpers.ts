/** Shared steps of the end-to-end tests. */
import { expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';

export const queryImage = process.env.E2E_QUERY_IMAGE ?? '';
export const queryImages = (process.env.E2E_QUERY_IMAGES ?? process.env.E2E_QUERY_IMAGE ?? '').split('\n').filter(Boolean);
export const screenshots = 'test-results/screenshots';
export const slider = 'Show matches at least this likely';

/** A photo to search with: a file, or bytes the test made. */
export type Photo = string | { name: string; mimeType: string; buffer: Buffer };

/**
 * Waits for a search's results. Scores are calibrated probabilities, so a query may have nothing at the default 70%:
 * the empty state then offers the less likely matches, and taking them must show the best ones.
 */
export async function showResults(page: Page): Promise<void> {
  await expect(page.locator('#status')).toContainText('Showing');
  if ((await page.locator('#grid .card:not(.skeleton)').count()) === 0) {
    const lower = page.getByRole('button', { name: /Show less likely matches/ });
    await expect(lower).toBeVisible();
    await lower.click();
  }
  await expect(page.locator('#grid .card:not(.skeleton)').first()).toBeVisible();
}

export async function openPage(page: Page, path = '/'): Promise<void> {
  await page.goto(path);
  await expect(page.getByRole('heading', { name: 'ImageSearch', level: 1 })).toBeVisible();
  // The category chips come from /stats.
  await expect(page.locator('#categories .chip').first()).toBeVisible();
}

export async function uploadQuery(page: Page, photo: Photo = queryImage): Promise<void> {
  await openPage(page);
  await page.locator('#file-input').setInputFiles(photo);
  await showResults(page);
}

/**
 * Makes a photo in the page from real query photos: `columns` × `rows` of them, each stretched over its cell, as a
 * JPEG (Chromium's encoder), PNG or lossy WebP.
 */
export async function madePhoto(page: Page, name: string, sources: string[], width: number, height: number, columns: number, type: string, quality = 0.9): Promise<{ name: string; mimeType: string; buffer: Buffer }> {
  const images = sources.map((source) => readFileSync(source).toString('base64'));
  const encoded = await page.evaluate(async ({ images, width, height, columns, type, quality }) => {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext('2d')!;
    const rows = Math.ceil(images.length / columns);
    for (const [i, image] of images.entries()) {
      const bitmap = await createImageBitmap(new Blob([Uint8Array.from(atob(image), (c) => c.charCodeAt(0))]));
      const [w, h] = [width / columns, height / rows];
      context.drawImage(bitmap, (i % columns) * w, Math.floor(i / columns) * h, w, h);
    }
    const blob = await new Promise<Blob | null>((done) => { canvas.toBlob(done, type, quality); });
    const bytes = new Uint8Array(await blob!.arrayBuffer());
    let text = '';
    for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(text);
  }, { images, width, height, columns, type, quality });
  return { name, mimeType: type, buffer: Buffer.from(encoded, 'base64') };
}

/** WCAG contrast ratio of two CSS colours "rgb(r, g, b)". */
export function contrast(a: string, b: string): number {
  const luminance = (color: string) => {
    const [r, g, bl] = (color.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number).map((v) => {
      const c = v / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x! + 0.05) / (y! + 0.05);
}

/**
 * Records the bytes of every form the page uploads (its parts' sizes: the photo and the few search fields), since
 * DevTools does not report the size of a body streamed from a Blob. Call before the page loads.
 */
export async function recordUploads(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const sizes: number[] = [];
    (window as unknown as { uploads: number[] }).uploads = sizes;
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with the request as `this`.
    const send = XMLHttpRequest.prototype.send;
    XMLHttpRequest.prototype.send = function (this: XMLHttpRequest, body?: Document | XMLHttpRequestBodyInit | null) {
      if (body instanceof FormData) {
        let bytes = 0;
        body.forEach((value) => {
          bytes += typeof value === 'string' ? value.length : value.size;
          if (typeof value !== 'string') (window as unknown as { lastUpload: Blob }).lastUpload = value;
        });
        sizes.push(bytes);
      }
      send.call(this, body);
    };
  });
}

/** The sizes recorded by recordUploads, oldest first. */
export async function uploads(page: Page): Promise<number[]> {
  return page.evaluate(() => (window as unknown as { uploads: number[] }).uploads);
}
