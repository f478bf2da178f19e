"""Listwise fine-tuning of a cross-encoder that reranks veterinary formulary snippets for clinician queries."""
import asyncio
import os
import tempfile
from typing import NamedTuple

import torch
import torch.nn.functional as F
from accelerate import Accelerator
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(5)

# export from the annotation tool: a header per query (with the position of the right snippet), then its candidates
EXPORT = """\
#q\tgold=1\tmeloxicam dose for a cat
meloxicam dogs initial dose by mouth
meloxicam cats single dose by injection
carprofen dogs daily dose by mouth
#q\tgold=4\tcan i give enrofloxacin to a young horse
enrofloxacin cattle dose by injection
enrofloxacin dogs daily dose by mouth
enrofloxacin cats retinal damage at high dose
doxycycline horses daily dose by mouth
enrofloxacin foals cartilage damage avoid in young horses
#q\tgold=0\tivermectin for sheep worms
ivermectin sheep oral drench dose
ivermectin collies sensitivity warning
fenbendazole sheep oral drench dose
#q\tgold=2\tantidote for xylitol in dogs
xylitol cats no known toxicity
activated charcoal dogs single dose by mouth
xylitol dogs give dextrose and monitor glucose
"""


class Block(NamedTuple):
    query: str
    candidates: list
    gold: int


def build(texts):
    words = sorted({w for t in texts for w in t.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(path)
    cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64, num_labels=1)
    return tok, BertForSequenceClassification(cfg)


async def parse_export(text, queue):
    query, gold, cands = None, None, []
    for line in text.splitlines():
        if line.startswith("#q\t"):
            _, g, q = line.split("\t")
            gold = int(g.removeprefix("gold="))
            if query is not None:
                await queue.put(Block(query, cands, gold))
            query, cands = q, []
        elif line.strip():
            cands.append(line.strip())
        await asyncio.sleep(0)
    await queue.put(Block(query, cands, gold))
    await queue.put(None)


class ListwiseTrainer:
    def __init__(self, tokenizer, model, lr=2e-4):
        self.acc = Accelerator(cpu=True)
        self.tok = tokenizer
        opt = torch.optim.AdamW(model.parameters(), lr=lr)
        self.model, self.opt = self.acc.prepare(model, opt)
        self.steps = 0

    def step(self, block):
        pairs = self.tok([block.query] * len(block.candidates), block.candidates,
                         padding=True, return_tensors="pt").to(self.acc.device)
        scores = self.model(**pairs).logits.view(1, -1)       # one row: every candidate of this query
        target = torch.tensor([block.gold], device=self.acc.device)
        loss = F.cross_entropy(scores, target)
        self.acc.backward(loss)
        self.opt.step()
        self.opt.zero_grad()
        self.steps += 1
        return loss.item()


async def consume(queue, trainer):
    losses = []
    while (block := await queue.get()) is not None:
        losses.append(trainer.step(block))
        print(f"step {trainer.steps}: {block.query[:30]!r} over {len(block.candidates)} candidates, "
              f"loss {losses[-1]:.4f}")
    return losses


async def main(epochs=2):
    tok, model = build([l.split("\t")[-1] for l in EXPORT.splitlines()])
    trainer = ListwiseTrainer(tok, model)
    for epoch in range(epochs):
        queue = asyncio.Queue(maxsize=2)
        _, losses = await asyncio.gather(parse_export(EXPORT, queue), consume(queue, trainer))
        print(f"epoch {epoch}: mean listwise loss {sum(losses) / len(losses):.4f}")


if __name__ == "__main__":
    asyncio.run(main())
