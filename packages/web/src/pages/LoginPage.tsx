import { Link } from 'wouter';
import { useSession } from '../session/SessionProvider';
import { AuthForm } from '../session/AuthForm';

export function LoginPage() {
  const { signIn } = useSession();
  return (
    <AuthForm
      title="Sign in"
      submitLabel="Sign in"
      passwordAutocomplete="current-password"
      validate={(email, password) => (!email.trim() || !password ? 'Enter your email and password.' : null)}
      onSubmit={signIn}
      footer={
        <>
          New to Skyroll? <Link href="/signup">Create an account</Link>
        </>
      }
    />
  );
}
