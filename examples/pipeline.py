"""A typed pipeline: producer -> transformer -> consumer.

Each stage is given only the end it needs: the producer a ``SendChannel``, the consumer a
``ReceiveChannel``, the transformer one of each. A stage that sends closes its channel when it is
done (``async with``), also if it fails; the stage downstream then drains what is buffered and its
``async for`` ends.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from aiochannel import Channel, ReceiveChannel, SendChannel


@dataclass(frozen=True)
class Order:
    number: int
    quantity: int
    unit_price_cents: int


@dataclass(frozen=True)
class Invoice:
    number: int
    total_cents: int


async def produce(orders: SendChannel[Order], count: int) -> None:
    async with orders:  # closes the channel on exit
        for n in range(1, count + 1):
            await orders.put(Order(number=n, quantity=n, unit_price_cents=125 * n))


async def price(orders: ReceiveChannel[Order], invoices: SendChannel[Invoice]) -> None:
    async with invoices:
        async for order in orders:  # ends once `orders` is closed and drained
            await invoices.put(Invoice(order.number, order.quantity * order.unit_price_cents))


async def bill(invoices: ReceiveChannel[Invoice]) -> int:
    total = 0
    async for invoice in invoices:
        print(f"invoice #{invoice.number}: {invoice.total_cents / 100:.2f}")
        total += invoice.total_cents
    return total


async def main() -> None:
    orders: Channel[Order] = Channel(2)
    invoices: Channel[Invoice] = Channel(2)
    _, _, total = await asyncio.gather(
        produce(orders.sender, 5),
        price(orders.receiver, invoices.sender),
        bill(invoices.receiver),
    )
    await orders.join()  # both closed and drained
    await invoices.join()
    print(f"total: {total / 100:.2f}")


if __name__ == "__main__":
    asyncio.run(main())
