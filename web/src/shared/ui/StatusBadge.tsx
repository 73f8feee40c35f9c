import { useTranslation } from 'react-i18next';

/**
 * A state in colour and words: `classes` gives each value its class, `messages` the catalogue
 * section of its text (`messages.value`), and the value itself stands in a data attribute
 * (`data-status` unless `attr` names another) for tests and styles.
 */
export function StatusBadge<T extends string>({ value, classes, messages, attr = 'status' }: { value: T; classes: Record<T, string>; messages: string; attr?: 'status' | 'state' | 'freshness' }) {
  const { t } = useTranslation();
  const data = { [`data-${attr}`]: value };
  return (
    <span className={classes[value]} {...data}>
      {t(`${messages}.${value}`)}
    </span>
  );
}
