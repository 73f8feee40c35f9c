import { Type } from 'typebox';
import { Role } from './roles.js';

// Written out (not mapped from ROLES) so that TypeBox infers the literal union for the handlers.
const RoleSchema = Type.Union([Type.Literal(Role.admin), Type.Literal(Role.coordinator), Type.Literal(Role.officer), Type.Literal(Role.analyst), Type.Literal(Role.auditor)]);

export const UserSchema = Type.Object({
  id: Type.String(),
  email: Type.String(),
  display_name: Type.String(),
  role: RoleSchema,
  disabled: Type.Boolean(),
  totp_enabled: Type.Boolean(),
  must_change_password: Type.Boolean(),
  locked_until: Type.Union([Type.String(), Type.Null()]),
  language: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String(),
  updated_at: Type.String(),
});

export const StageSchema = Type.Union([Type.Literal('totp'), Type.Literal('password_change'), Type.Literal('totp_enrol'), Type.Literal('full')]);

export const SessionInfoSchema = Type.Object({
  stage: StageSchema,
  csrf_token: Type.String(),
  expires_at: Type.String(),
  user: UserSchema,
});

export const SignInBody = Type.Object(
  { email: Type.String({ minLength: 3, maxLength: 254 }), password: Type.String({ minLength: 1, maxLength: 256 }) },
  { additionalProperties: false },
);
export const SecondFactorBody = Type.Object(
  { code: Type.Optional(Type.String({ pattern: '^[0-9]{6}$' })), recovery_code: Type.Optional(Type.String({ minLength: 6, maxLength: 20 })) },
  { additionalProperties: false },
);
export const PasswordBody = Type.Object(
  // current_password may be left out only in the forced change right after a one-time-password sign-in.
  { current_password: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })), new_password: Type.String({ minLength: 1, maxLength: 256 }) },
  { additionalProperties: false },
);
/** Outside the sign-in step, replacing the second factor needs the password and, when TOTP is on, a current code. */
export const TotpEnrolBody = Type.Object(
  { current_password: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })), code: Type.Optional(Type.String({ pattern: '^[0-9]{6}$' })) },
  { additionalProperties: false },
);
export const TotpConfirmBody = Type.Object({ code: Type.String({ pattern: '^[0-9]{6}$' }) }, { additionalProperties: false });
export const StageReply = Type.Object({ stage: StageSchema });

export const NewUserBody = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 254 }),
    display_name: Type.String({ minLength: 1, maxLength: 200 }),
    role: RoleSchema,
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  },
  { additionalProperties: false },
);
export const UserPatchBody = Type.Object(
  {
    display_name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    role: Type.Optional(RoleSchema),
    disabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export const ResetBody = Type.Object({ reset_totp: Type.Optional(Type.Boolean()) }, { additionalProperties: false });
export const UserWithPassword = Type.Object({ user: UserSchema, one_time_password: Type.Optional(Type.String()) });

export const ApiTokenSchema = Type.Object({
  id: Type.String(),
  user_id: Type.String(),
  name: Type.String(),
  created_at: Type.String(),
  expires_at: Type.Union([Type.String(), Type.Null()]),
  revoked_at: Type.Union([Type.String(), Type.Null()]),
  last_used_at: Type.Union([Type.String(), Type.Null()]),
});
export const NewTokenBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 100 }), expires_in_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })) },
  { additionalProperties: false },
);
