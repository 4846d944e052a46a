import asyncio
from aiochannel import Channel, ChannelClosed

async def producer(ch: Channel, num_items: int):
    for i in range(num_items):
        await ch.put(f"item-{i}")
        print(f"Produced item-{i}")
    ch.close()
    print("Producer closed the channel")

async def consumer(ch: Channel):
    try:
        async for item in ch:
            print(f"Consumed {item}")
    except ChannelClosed:
        print("Consumer detected channel closed and drained.")

async def main():
    channel = Channel(10)  # Create a channel with a buffer size of 10
    await asyncio.gather(producer(channel, 5), consumer(channel))
    # .join() waits until the channel is both closed and drained
    await channel.join()
    print("Channel is closed and drained, main exiting.")

if __name__ == "__main__":
    asyncio.run(main())
