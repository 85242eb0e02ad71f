"""Hearsay's asyncio client, over grpc.aio:

    import hearsay.aio

    async with hearsay.aio.connect("127.0.0.1:7400") as client:
        await client.register_type(Greeting)
        async with client.subscribe([Greeting]) as sub:
            await sub.wait_started()
            await client.publish(Greeting(text="hi"))
            async for d in sub:
                ...

Same concepts, names and errors as the threaded hearsay.Client.
"""

from hearsay.aio.client import AsyncClient, connect
from hearsay.aio.subscription import AsyncSubscription, AsyncWatch
from hearsay.aio.watch import AsyncMemberWatch, AsyncServiceWatch

__all__ = ["connect", "AsyncClient", "AsyncSubscription", "AsyncWatch", "AsyncMemberWatch", "AsyncServiceWatch"]
