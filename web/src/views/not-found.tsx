// The page's own "not found", for a path that is none of its pages (Platte answers it with 404).
export function NotFound() {
  return (
    <section class="center-box">
      <h1>Page not found</h1>
      <p class="muted">There is no page at {location.pathname}.</p>
      <p>
        <a href="/">Go to the overview</a>
      </p>
    </section>
  );
}
