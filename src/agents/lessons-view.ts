import type { Lesson } from "../core/lesson.js";

/** A recalled lesson as the `partials/lessons.njk` section shows it. */
export interface LessonView {
  readonly id: string;
  readonly title: string;
  readonly text: string;
  readonly human: boolean;
}

/** The lessons section's data; none when recall is off or found nothing. */
export function lessonsView(lessons: readonly Lesson[] | undefined): LessonView[] {
  return (lessons ?? []).map((l) => ({
    id: l.id,
    title: l.title,
    text: l.text.trim(),
    human: l.source === "human",
  }));
}
