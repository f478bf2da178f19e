# Tiny chat LM trained with Accelerate: GPT-2 architecture from scratch, word-piece vocab built from our logs
import os
import tempfile
from dataclasses import dataclass

import torch
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader
from transformers import BertTokenizerFast, GPT2Config, GPT2LMHeadModel


@dataclass
class TrainConfig:
    n_embd: int = 48
    n_layer: int = 2
    n_head: int = 4
    n_positions: int = 64
    max_len: int = 32
    batch_size: int = 4
    lr: float = 3e-4
    epochs: int = 1
    seed: int = 7


DIALOGUES = [
    ("hi there", "hello how can i help"),
    ("what time is it", "it is late"),
    ("can you help me", "yes of course"),
    ("thank you", "you are welcome"),
    ("where is the station", "turn left at the park"),
    ("is it raining", "no it is sunny"),
    ("good morning", "good morning to you"),
    ("how are you", "i am fine thank you"),
] * 2

SPEAKER_TOKENS = ["<user>", "<bot>"]


def write_vocab(texts):
    words = sorted({w for t in texts for w in t.split()})
    d = tempfile.mkdtemp(prefix="chat_vocab_")
    path = os.path.join(d, "vocab.txt")
    with open(path, "w") as f:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words:
            f.write(tok + "\n")
    return path


def format_turn(user, bot):
    return f"<user> {user} <bot> {bot}"


def make_collate(tokenizer, max_len):
    def collate(batch):
        texts = [format_turn(u, b) for u, b in batch]
        enc = tokenizer(texts, padding=True, truncation=True, max_length=max_len,
                        return_tensors="pt", return_token_type_ids=False)
        labels = enc["input_ids"].clone()
        labels[enc["attention_mask"] == 0] = -100
        enc["labels"] = labels
        return enc
    return collate


def main(cfg: TrainConfig):
    set_seed(cfg.seed)
    accelerator = Accelerator(cpu=True)

    tokenizer = BertTokenizerFast(write_vocab([u + " " + b for u, b in DIALOGUES]))
    tokenizer.add_special_tokens({"additional_special_tokens": SPEAKER_TOKENS})

    model_config = GPT2Config(
        vocab_size=tokenizer.vocab_size,
        n_embd=cfg.n_embd,
        n_layer=cfg.n_layer,
        n_head=cfg.n_head,
        n_positions=cfg.n_positions,
        pad_token_id=tokenizer.pad_token_id,
    )
    model = GPT2LMHeadModel(model_config)

    loader = DataLoader(DIALOGUES, batch_size=cfg.batch_size, shuffle=True,
                        collate_fn=make_collate(tokenizer, cfg.max_len))
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)

    for epoch in range(cfg.epochs):
        model.train()
        running = 0.0
        for step, batch in enumerate(loader):
            out = model(**batch)
            accelerator.backward(out.loss)
            optimizer.step()
            optimizer.zero_grad()
            running += out.loss.item()
        accelerator.print(f"epoch {epoch}: loss={running / len(loader):.4f}")


if __name__ == "__main__":
    main(TrainConfig())
