'use client';

import { type ReactNode, type RefObject, useId } from 'react';
import { Button } from './button';
import { Alert } from './field';
import { Spinner } from './spinner';

/**
 * A modal confirmation for a destructive action, opened by the caller with
 * `ref.current.showModal()`. The safe choice has the focus.
 */
export function ConfirmDialog({
  dialogRef,
  title,
  description,
  error,
  busy,
  cancelLabel,
  confirmLabel,
  onConfirm,
  onClose,
}: {
  dialogRef: RefObject<HTMLDialogElement | null>;
  title: ReactNode;
  description: ReactNode;
  error: string | null;
  busy: boolean;
  cancelLabel: string;
  confirmLabel: string;
  onConfirm: () => void;
  onClose?: () => void;
}) {
  const id = useId();
  return (
    <dialog
      ref={dialogRef}
      role="alertdialog"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-description`}
      onClose={onClose}
      className="m-auto w-[calc(100%-2rem)] max-w-sm rounded-xl border border-neutral-200 bg-white p-5 text-neutral-900 shadow-xl dark:border-neutral-800 dark:bg-neutral-900 dark:text-neutral-100"
    >
      <h2 id={`${id}-title`} className="text-lg font-semibold">
        {title}
      </h2>
      <p id={`${id}-description`} className="mt-2 text-sm text-neutral-600 dark:text-neutral-400">
        {description}
      </p>
      {error ? <Alert className="mt-3">{error}</Alert> : null}
      <div className="mt-5 flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
        <Button autoFocus onClick={() => dialogRef.current?.close()} disabled={busy}>
          {cancelLabel}
        </Button>
        <Button variant="danger" onClick={onConfirm} disabled={busy}>
          {busy ? <Spinner /> : null}
          {confirmLabel}
        </Button>
      </div>
    </dialog>
  );
}
