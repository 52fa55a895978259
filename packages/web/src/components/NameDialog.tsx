import { useState } from 'react';
import { ActionDialog } from './ActionDialog';

export interface NameDialogProps {
  title: string;
  label: string;
  /** The input's name attribute (`album-name`): the browser tests fill it by name. */
  inputName: string;
  initial?: string;
  confirmLabel: string;
  maxLength?: number;
  onSubmit: (name: string) => Promise<void>;
  onClose: () => void;
}

/** Asks for a name (a new album, a rename) and saves it; a blank or unchanged name cannot be confirmed. */
export function NameDialog({ title, label, inputName, initial = '', confirmLabel, maxLength = 200, onSubmit, onClose }: NameDialogProps) {
  const [name, setName] = useState(initial);
  const trimmed = name.trim();
  return (
    <ActionDialog
      title={title}
      confirmLabel={confirmLabel}
      confirmDisabled={trimmed === '' || trimmed === initial.trim()}
      onConfirm={() => onSubmit(trimmed)}
      onClose={onClose}
    >
      <label className="field">
        <span>{label}</span>
        <input
          name={inputName}
          value={name}
          maxLength={maxLength}
          autoFocus
          autoComplete="off"
          onChange={(event) => setName(event.target.value)}
          onFocus={(event) => event.target.select()}
        />
      </label>
    </ActionDialog>
  );
}
