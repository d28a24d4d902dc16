// The scenario's steps (e2e/sdk_scenario.py) through the typescript-fetch client
// that openapi-generator makes from openapi.yaml. Compiled with `tsc --strict`
// beside the generated client (./client), run on Node.js:
//   node steps.js <step> '<JSON arguments>'   (SDK_BASE_URL: the service)
// prints the step's result as JSON.

import {
    AuthApi,
    Configuration,
    ErrorResponse412FromJSON,
    EventsApi,
    EventsCreateErrorResponse400FromJSON,
    FollowsApi,
    FollowsBulkCreateErrorResponse400FromJSON,
    FollowsCreateErrorResponse400FromJSON,
    ResponseError,
    ScoresApi,
    ScoresBulkCreateErrorResponse400FromJSON,
    ScoreTypeEnum,
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

interface Batch {
    token: string;
    toUsers: number[];
}

interface Following {
    token: string;
    toUser: number;
}

interface Keyed extends Following {
    key: string;
}

interface Created {
    status: number;
    id: number;
    replayed: boolean; // the response carried `Idempotent-Replayed: true`
}

interface Written {
    status: number;
    etag: string | null; // the response's ETag (a written row's new version)
    codes: string[]; // a refusal's codes, from its typed error model
}

interface Refused<Found> {
    status: number;
    errors: Found[];
}

interface RefusedEvent {
    token: string;
    title: string;
    start: string;
    end: string;
    language: string;
}

function day(iso: string): Date {
    return new Date(`${iso}T00:00:00Z`);
}

function api(token?: string): Configuration {
    const basePath = process.env.SDK_BASE_URL;
    if (!basePath) {
        throw new Error("SDK_BASE_URL is not set");
    }
    return new Configuration({ basePath, apiKey: token ? `Token ${token}` : undefined });
}

// The typed 400 of a refused call: its status and what `found` reads from its errors.
async function refused<Body, Found>(
    call: Promise<unknown>,
    parse: (json: unknown) => Body,
    found: (body: Body) => Found[] | undefined,
): Promise<Refused<Found>> {
    try {
        await call;
    } catch (error) {
        if (!(error instanceof ResponseError)) {
            throw error;
        }
        const errors = found(parse(await error.response.json()));
        if (errors === undefined) {
            throw new Error(`not a validation error: HTTP ${error.response.status}`);
        }
        return { status: error.response.status, errors };
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

    async follow({ token, toUser }: Following): Promise<number[]> {
        const follow = await new FollowsApi(api(token)).followsCreate({
            followRequest: { toUser },
        });
        return [follow.fromUser ?? -1, follow.toUser];
    },

    async refusedFollow({ token, toUser }: Following): Promise<Refused<string>> {
        return refused(
            new FollowsApi(api(token)).followsCreate({ followRequest: { toUser } }),
            FollowsCreateErrorResponse400FromJSON,
            (body) =>
                body.type === "validation_error" ? body.errors.map((e) => e.code) : undefined,
        );
    },

    async following({ token, fromUser }: { token: string; fromUser: number }): Promise<number[]> {
        const page = await new FollowsApi(api(token)).followsList({ fromUser, limit: 100 });
        return page.results.map((follow) => follow.toUser);
    },

    async bulkFollow({ token, toUsers }: Batch): Promise<{ status: number; follows: number[][] }> {
        const answer = await new FollowsApi(api(token)).followsBulkCreateRaw({
            followRequest: toUsers.map((toUser) => ({ toUser })),
        });
        const follows = (await answer.value()).map((f) => [f.fromUser ?? -1, f.toUser]);
        return { status: answer.raw.status, follows };
    },

    async refusedBulkFollow({ token, toUsers }: Batch): Promise<Refused<[string, string]>> {
        // typescript-fetch makes the row errors' anyOf (no discriminator) ONE merged interface,
        // not a union of the variants: `attr` is a string, but `code` is typed as just "null"
        // while FromJSON copies whatever the service sent. So the code is read as a string.
        return refused(
            new FollowsApi(api(token)).followsBulkCreate({
                followRequest: toUsers.map((toUser) => ({ toUser })),
            }),
            FollowsBulkCreateErrorResponse400FromJSON,
            (body) =>
                body.type === "validation_error"
                    ? body.errors.map((e): [string, string] => [e.attr, e.code])
                    : undefined,
        );
    },

    async keyedFollow({ token, toUser, key }: Keyed): Promise<Created> {
        const answer = await new FollowsApi(api(token)).followsCreateRaw({
            followRequest: { toUser },
            idempotencyKey: key,
        });
        const replayed = answer.raw.headers.get("Idempotent-Replayed") === "true";
        return { status: answer.raw.status, id: (await answer.value()).id, replayed };
    },

    async createEvent({ token, title, day }: { token: string; title: string; day: string }) {
        const start = new Date(`${day}T00:00:00Z`);
        const end = new Date(start.getTime() + 24 * 60 * 60 * 1000);
        const answer = await new EventsApi(api(token)).eventsCreateRaw({
            eventRequest: { title, startAt: start, endAt: end },
        });
        return { id: (await answer.value()).id, etag: answer.raw.headers.get("ETag") };
    },

    async renameEvent({
        token,
        id,
        title,
        ifMatch,
    }: {
        token: string;
        id: number;
        title: string;
        ifMatch: string;
    }): Promise<Written> {
        try {
            const answer = await new EventsApi(api(token)).eventsPartialUpdateRaw({
                id,
                ifMatch,
                patchedEventRequest: { title },
            });
            return { status: answer.raw.status, etag: answer.raw.headers.get("ETag"), codes: [] };
        } catch (error) {
            if (!(error instanceof ResponseError) || error.response.status !== 412) {
                throw error;
            }
            const body = ErrorResponse412FromJSON(await error.response.json());
            return { status: 412, etag: null, codes: body.errors.map((e) => e.code) };
        }
    },

    async refusedEvent({
        token,
        title,
        start,
        end,
        language,
    }: RefusedEvent): Promise<Refused<[string, string]>> {
        return refused(
            new EventsApi(api(token)).eventsCreate({
                eventRequest: { title, startAt: day(start), endAt: day(end) },
                acceptLanguage: language,
            }),
            EventsCreateErrorResponse400FromJSON,
            (body) =>
                body.type === "validation_error"
                    ? body.errors.map((e): [string, string] => [e.code, e.detail])
                    : undefined,
        );
    },

    async refusedBulkPoints({
        token,
        rows,
    }: {
        token: string;
        rows: [number, string | null][];
    }): Promise<Refused<[string, string]>> {
        // As refusedBulkFollow: the row errors' merged interface, the code read as a string.
        return refused(
            new ScoresApi(api(token)).scoresBulkCreate({
                scoreRequest: rows.map(([valuePoints, valueDuration]) => ({
                    type: ScoreTypeEnum.Points,
                    valuePoints,
                    valueDuration,
                })),
            }),
            ScoresBulkCreateErrorResponse400FromJSON,
            (body) =>
                body.type === "validation_error"
                    ? body.errors.map((e): [string, string] => [e.attr, e.code])
                    : undefined,
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
