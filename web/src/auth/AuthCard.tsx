import type { ReactNode } from 'react';

/** The centred card that holds each sign-in step. */
export function AuthCard({ title, intro, children }: { title: string; intro?: string; children: ReactNode }) {
  return (
    <main id="main" className="auth-main">
      <section className="card auth-card" aria-labelledby="auth-title">
        <h1 id="auth-title">{title}</h1>
        {intro && <p className="intro">{intro}</p>}
        {children}
      </section>
    </main>
  );
}
