import { Link } from 'wouter';
import { useSession } from '../session/SessionProvider';
import { AuthForm } from '../session/AuthForm';

const MIN_PASSWORD = 8;

export function SignupPage() {
  const { signUp } = useSession();
  return (
    <AuthForm
      title="Create your account"
      submitLabel="Create account"
      passwordAutocomplete="new-password"
      validate={(email, password) => {
        if (!/^[^\s@]+@[^\s@]+$/.test(email.trim())) return 'Enter a valid email address.';
        if (password.length < MIN_PASSWORD) return `The password needs at least ${MIN_PASSWORD} characters.`;
        return null;
      }}
      onSubmit={signUp}
      footer={
        <>
          Already have an account? <Link href="/login">Sign in</Link>
        </>
      }
    />
  );
}
