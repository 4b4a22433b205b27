"""A bare FastAPI app for ``safenet bench e2e``'s baseline: it reads the body and answers."""

from __future__ import annotations

from fastapi import FastAPI, Request

app = FastAPI()


@app.post("/api/v1/reads")
async def reads(request: Request) -> dict[str, int]:
    body = await request.body()
    return {"bytes": len(body)}
