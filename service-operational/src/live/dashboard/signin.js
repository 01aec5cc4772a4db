// The sign-in page: the API key is sent once to POST /api/session, which answers with an
// HttpOnly session cookie; the key is kept nowhere in the browser (no storage, no URL).
const $ = (id) => document.getElementById(id);

function showError(message) {
  $('key-error').textContent = message;
  $('key-error').hidden = false;
  $('key-input').focus();
}

if (new URLSearchParams(window.location.search).get('link') === 'refused') {
  showError('That sign-in link is not valid, has expired or was already used. Enter your API key instead.');
}

$('signin-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const apiKey = $('key-input').value.trim();
  if (!apiKey) return showError('Enter an API key.');
  const button = $('signin-form').querySelector('button');
  button.disabled = true;
  try {
    const response = await fetch('/api/session', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-icc-csrf': '1' },
      body: JSON.stringify({ apiKey }),
    });
    if (response.ok) {
      $('key-input').value = '';
      // replace: the sign-in page does not stay in the tab's history.
      window.location.replace('/');
      return;
    }
    const body = await response.json().catch(() => ({}));
    showError(body.message ?? `Sign-in failed (HTTP ${response.status})`);
  } catch (error) {
    showError(`Cannot reach the service (${error.message})`);
  } finally {
    button.disabled = false;
  }
});
