/**
 * The message bar above the stage: errors and notices with an optional action button. A message
 * has a topic, so opening a file clears a file message but not, say, a model error.
 */
import { isGazecastError } from '../index';
import { $ } from './dom';

export class Messages {
  /** what the message on screen is about */
  topic: 'media' | 'other' = 'other';

  show(text: string, kind: 'error' | 'info' = 'error', topic: 'media' | 'other' = 'other', action?: { label: string; run: () => void }): void {
    this.topic = topic;
    $('message-text').textContent = text;
    const btn = $<HTMLButtonElement>('message-action');
    btn.hidden = !action;
    btn.textContent = action?.label ?? '';
    btn.onclick = action ? () => action.run() : null;
    $('message').classList.toggle('info', kind === 'info');
    $('message').hidden = false;
  }

  clear(): void {
    $('message').hidden = true;
  }

  /** Shows an error as a message; an abort is the user's own doing and says nothing. */
  report(e: unknown): void {
    if (isGazecastError(e, 'aborted')) return;
    console.warn(e);
    this.show(e instanceof Error ? e.message : String(e));
  }
}
