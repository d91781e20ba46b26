/**
 * The box a shopper draws on their photo to search only that part of it: drag across the photo (mouse, pen or
 * finger), or focus the box and use the arrow keys to move it (with Shift to resize). The value is a Crop in
 * fractions of the photo, which upload.ts cuts out of the upright photo before it is searched.
 */
import type { Crop } from './upload';

/** The box from two corners (fractions), kept inside the photo and at least `min` wide and high. */
export function boxFrom(x0: number, y0: number, x1: number, y1: number, min = 0.05): Crop {
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  let left = clamp(Math.min(x0, x1));
  let top = clamp(Math.min(y0, y1));
  let right = clamp(Math.max(x0, x1));
  let bottom = clamp(Math.max(y0, y1));
  if (right - left < min) {
    right = Math.min(1, left + min);
    left = right - min;
  }
  if (bottom - top < min) {
    bottom = Math.min(1, top + min);
    top = bottom - min;
  }
  return { x: left, y: top, width: right - left, height: bottom - top };
}

/** The box moved (or, with `resize`, grown) by dx, dy, kept inside the photo. */
export function nudge(box: Crop, dx: number, dy: number, resize: boolean): Crop {
  if (resize) return boxFrom(box.x, box.y, box.x + box.width + dx, box.y + box.height + dy);
  const x = Math.min(1 - box.width, Math.max(0, box.x + dx));
  const y = Math.min(1 - box.height, Math.max(0, box.y + dy));
  return { ...box, x, y };
}

export const DEFAULT_BOX: Crop = { x: 0.2, y: 0.2, width: 0.6, height: 0.6 };

export class CropBox {
  private box: Crop = DEFAULT_BOX;
  private active = false;
  private dragFrom: [number, number] | null = null;

  constructor(
    private readonly area: HTMLElement,
    private readonly frame: HTMLElement,
  ) {
    frame.tabIndex = 0;
    frame.setAttribute('role', 'img');
    area.addEventListener('pointerdown', (event) => {
      if (!this.active) return;
      event.preventDefault();
      area.setPointerCapture(event.pointerId);
      this.dragFrom = this.at(event);
      this.set(boxFrom(...this.dragFrom, ...this.dragFrom));
    });
    area.addEventListener('pointermove', (event) => {
      if (!this.active || this.dragFrom === null) return;
      this.set(boxFrom(...this.dragFrom, ...this.at(event)));
    });
    const end = () => { this.dragFrom = null; };
    area.addEventListener('pointerup', end);
    area.addEventListener('pointercancel', end);
    frame.addEventListener('keydown', (event) => {
      if (!this.active) return;
      const step = 0.02;
      const moves: Record<string, [number, number]> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
      const move = moves[event.key];
      if (!move) return;
      event.preventDefault();
      this.set(nudge(this.box, move[0], move[1], event.shiftKey));
    });
  }

  /** Starts drawing, from `box` or the default. */
  start(box: Crop | null): void {
    this.active = true;
    this.area.classList.add('cropping');
    this.set(box ?? DEFAULT_BOX);
    this.frame.focus();
  }

  /** Shows a box without editing it (the part being searched). */
  show(box: Crop): void {
    this.active = false;
    this.area.classList.remove('cropping');
    this.set(box);
  }

  stop(): void {
    this.active = false;
    this.dragFrom = null;
    this.area.classList.remove('cropping');
    this.frame.hidden = true;
  }

  value(): Crop {
    return this.box;
  }

  private set(box: Crop): void {
    this.box = box;
    this.frame.hidden = false;
    Object.assign(this.frame.style, {
      left: `${box.x * 100}%`,
      top: `${box.y * 100}%`,
      width: `${box.width * 100}%`,
      height: `${box.height * 100}%`,
    });
    this.frame.setAttribute('aria-label', `Search area: ${Math.round(box.width * 100)}% by ${Math.round(box.height * 100)}% of the photo, from ${Math.round(box.x * 100)}% across and ${Math.round(box.y * 100)}% down. Arrow keys move it, Shift+arrow keys resize it.`);
  }

  private at(event: PointerEvent): [number, number] {
    const rect = this.area.getBoundingClientRect();
    return [(event.clientX - rect.left) / rect.width, (event.clientY - rect.top) / rect.height];
  }
}
