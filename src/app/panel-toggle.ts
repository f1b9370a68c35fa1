/**
 * Hiding the audiences panel to give the pictures room. Side by side (compare, creatives) at
 * 1280 px each picture got ~360 px between the two side panels; below 1440 px the audiences panel
 * folds to a narrow rail when a side-by-side view opens (each picture then gets ~450 px at 1280)
 * and unfolds when the view ends, unless the designer set it themselves with its ⟨ / ⟩ button.
 */
import { $ } from './dom';

/** below this window width a side-by-side view folds the audiences panel away */
const FOLD_BELOW_PX = 1440;

export class AudiencesToggle {
  private collapsed = false;
  /** folded by a view change (so the view's end unfolds it), not by the user */
  private auto = false;
  private readonly button = $<HTMLButtonElement>('audiences-toggle');

  constructor() {
    this.button.addEventListener('click', () => {
      this.auto = false;
      this.set(!this.collapsed);
    });
    this.set(false);
  }

  /** Called when the view changes: `sideBySide` for compare and creatives. */
  onView(sideBySide: boolean): void {
    if (sideBySide && !this.collapsed && window.innerWidth < FOLD_BELOW_PX) {
      this.auto = true;
      this.set(true);
    } else if (!sideBySide && this.collapsed && this.auto) {
      this.auto = false;
      this.set(false);
    }
  }

  private set(collapsed: boolean): void {
    this.collapsed = collapsed;
    document.querySelector('.workspace')!.classList.toggle('audiences-collapsed', collapsed);
    this.button.setAttribute('aria-expanded', String(!collapsed));
    this.button.setAttribute('aria-label', collapsed ? 'Show the audiences panel' : 'Hide the audiences panel (more room for the pictures)');
    this.button.textContent = collapsed ? '⟩' : '⟨';
  }
}
