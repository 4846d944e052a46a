"""What the checkers must reject: wrong item types, and operations an end does not have."""

from __future__ import annotations

from aiochannel import Channel, ReceiveChannel, SendChannel


async def wrong_item_types(ch: Channel[int], tx: SendChannel[int], s: str, f: float) -> None:
    await ch.put(s)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    ch.put_nowait(s)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    ch.put_nowait(f)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    ch.put_nowait(None)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    await ch.sender.put(s)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    ch.sender.put_nowait(s)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    await tx.put(s)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    tx.put_nowait(s)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


def wrong_result_types(ch: Channel[int], rx: ReceiveChannel[int]) -> str:
    text: str = ch.get_nowait()  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]
    if text:
        return text
    return rx.get_nowait()  # type: ignore[return-value]  # pyright: ignore[reportReturnType]


async def receive_end_cannot_send_or_close(rx: ReceiveChannel[int], n: int) -> None:
    # Items of the right type, so that the missing attribute is the only error.
    await rx.put(n)  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
    rx.put_nowait(n)  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
    rx.close()  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
    rx.full()  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
    with rx:  # type: ignore[attr-defined]  # pyright: ignore[reportGeneralTypeIssues]
        pass
    async with rx:  # type: ignore[attr-defined]  # pyright: ignore[reportGeneralTypeIssues]
        pass


def receive_view_cannot_send_or_close(ch: Channel[int], n: int) -> None:
    ch.receiver.put_nowait(n)  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
    ch.receiver.close()  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
    ch.receiver.sender  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
    ch.receiver.receiver  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]


async def send_end_cannot_receive(tx: SendChannel[int]) -> None:
    await tx.get()  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
    tx.get_nowait()  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
    tx.empty()  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
    async for _ in tx:  # type: ignore[attr-defined]  # pyright: ignore[reportGeneralTypeIssues, reportUnknownVariableType]
        pass


def send_view_cannot_receive(ch: Channel[int]) -> None:
    ch.sender.get_nowait()  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
    ch.sender.receiver  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
    ch.sender.sender  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]


def only_a_channel_iterates_synchronously(rx: ReceiveChannel[int], tx: SendChannel[int]) -> None:
    for _ in rx:  # type: ignore[attr-defined]  # pyright: ignore[reportGeneralTypeIssues, reportUnknownVariableType]
        pass
    for _ in tx:  # type: ignore[attr-defined]  # pyright: ignore[reportGeneralTypeIssues, reportUnknownVariableType]
        pass


def maxsize_is_read_only(ch: Channel[int], tx: SendChannel[int], rx: ReceiveChannel[int]) -> None:
    ch.maxsize = 3  # type: ignore[misc]  # pyright: ignore[reportAttributeAccessIssue]
    tx.maxsize = 3  # type: ignore[misc]  # pyright: ignore[reportAttributeAccessIssue]
    rx.maxsize = 3  # type: ignore[misc]  # pyright: ignore[reportAttributeAccessIssue]


def views_are_read_only(ch: Channel[int], tx: SendChannel[int], rx: ReceiveChannel[int]) -> None:
    ch.sender = tx  # type: ignore[misc]  # pyright: ignore[reportAttributeAccessIssue]
    ch.receiver = rx  # type: ignore[misc]  # pyright: ignore[reportAttributeAccessIssue]
