// The scenario's steps (e2e/sdk_scenario.py) through the typescript-fetch client
// that openapi-generator makes from openapi.yaml. Compiled with `tsc --strict`
// beside the generated client (./client), run on Node.js:
//   node steps.js <step> '<JSON arguments>'   (SDK_BASE_URL: the service)
// prints the step's result as JSON.

import {
    AuthApi,
    Configuration,
    FollowsApi,
    FollowsCreateErrorResponse400FromJSON,
    ResponseError,
    UsersApi,
} from "./client";

// Node.js's globals that the steps use (no @types/node needed).
declare const process: {
    argv: string[];
    env: Record<string, string | undefined>;
    stdout: { write(text: string): void };
    stderr: { write(text: string): void };
    exitCode?: number;
};

interface Credentials {
    username: string;
    password: string;
}

interface Refused {
    status: number;
    codes: string[];
}

function api(token?: string): Configuration {
    const basePath = process.env.SDK_BASE_URL;
    if (!basePath) {
        throw new Error("SDK_BASE_URL is not set");
    }
    return new Configuration({ basePath, apiKey: token ? `Token ${token}` : undefined });
}

// The typed 400 of a refused call: its status and its errors' codes.
async function refused<Body>(
    call: Promise<unknown>,
    parse: (json: unknown) => Body,
    codes: (body: Body) => string[] | undefined,
): Promise<Refused> {
    try {
        await call;
    } catch (error) {
        if (!(error instanceof ResponseError)) {
            throw error;
        }
        const found = codes(parse(await error.response.json()));
        if (found === undefined) {
            throw new Error(`not a validation error: HTTP ${error.response.status}`);
        }
        return { status: error.response.status, codes: found };
    }
    throw new Error("the service accepted the call");
}

const steps: Record<string, (args: never) => Promise<unknown>> = {
    async register({ username, password }: Credentials): Promise<number> {
        const created = await new UsersApi(api()).usersCreate({
            registrationRequest: { username, password },
        });
        return created.id;
    },

    async token({ username, password }: Credentials): Promise<string> {
        const answer = await new AuthApi(api()).authTokenCreate({
            tokenRequestRequest: { username, password },
        });
        return answer.token;
    },

    async me({ token }: { token: string }): Promise<number> {
        return (await new UsersApi(api(token)).usersMeRetrieve()).id;
    },

    async follow({ token, toUser }: { token: string; toUser: number }): Promise<number[]> {
        const follow = await new FollowsApi(api(token)).followsCreate({
            followRequest: { toUser },
        });
        return [follow.fromUser ?? -1, follow.toUser];
    },

    async refusedFollow({ token, toUser }: { token: string; toUser: number }): Promise<Refused> {
        return refused(
            new FollowsApi(api(token)).followsCreate({ followRequest: { toUser } }),
            FollowsCreateErrorResponse400FromJSON,
            (body) => (body.type === "validation_error" ? body.errors.map((e) => e.code) : undefined),
        );
    },
};

async function main(): Promise<void> {
    const [name, args] = process.argv.slice(2);
    const step = steps[name];
    if (step === undefined) {
        throw new Error(`no step ${name}`);
    }
    const result = await step(JSON.parse(args) as never);
    process.stdout.write(JSON.stringify(result));
}

main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
});
