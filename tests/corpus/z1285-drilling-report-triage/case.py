"""Triage offshore drilling daily reports into incident classes.

Small BERT classifier trained from scratch with Accelerate; the rig's report
template carries section markers ([depth], [mud], [bop]) that we keep as
single tokens instead of letting the basic tokenizer shred them.
"""
import os
import re
import tempfile
from dataclasses import asdict, dataclass, field

import torch
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

INCIDENTS = ["routine", "stuck_pipe", "lost_circulation", "kick"]


@dataclass(frozen=True)
class DailyReport:
    text: str
    incident: str


REPORTS = [
    DailyReport("[depth] 2450 m drilled ahead [mud] weight steady no issues", "routine"),
    DailyReport("[depth] 2461 m overpull while tripping string stuck worked free", "stuck_pipe"),
    DailyReport("[mud] returns dropped losses to formation pumped lcm pill", "lost_circulation"),
    DailyReport("[bop] closed pit gain observed shut in well", "kick"),
    DailyReport("[depth] 2475 m drilled ahead circulated bottoms up", "routine"),
    DailyReport("[mud] partial losses while drilling pumped lcm pill", "lost_circulation"),
    DailyReport("string stuck at [depth] 2480 m jarred free", "stuck_pipe"),
    DailyReport("[bop] tested ok pit gain none drilled ahead", "routine"),
]

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


@dataclass
class TextSettings:
    base_words: list
    markers: list = field(default_factory=lambda: ["[depth]", "[mud]", "[bop]"])
    max_length: int = 32
    vocab_size: int = field(init=False)

    def __post_init__(self):
        self.vocab_size = len(SPECIALS) + len(self.base_words)


@dataclass
class EncoderSettings:
    hidden_size: int = 32
    num_hidden_layers: int = 1
    num_attention_heads: int = 2
    intermediate_size: int = 64
    max_position_embeddings: int = 64
    num_labels: int = len(INCIDENTS)


@dataclass
class LoopSettings:
    lr: float = 3e-4
    batch_size: int = 4
    epochs: int = 2
    seed: int = 11


def collect_words(reports):
    # markers are handled separately, everything else goes into the vocab file
    words = set()
    for r in reports:
        words.update(w for w in r.text.split() if not re.fullmatch(r"\[\w+\]", w))
    return sorted(words)


def make_tokenizer(text_cfg):
    tmp = tempfile.mkdtemp(prefix="ddr_vocab_")
    vocab_path = os.path.join(tmp, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(SPECIALS + text_cfg.base_words) + "\n")
    tok = BertTokenizer(vocab_path)
    added = tok.add_tokens(text_cfg.markers)
    print(f"tokenizer: {len(tok)} entries ({added} section markers)")
    return tok


def collate_reports(batch, tok, text_cfg):
    enc = tok([r.text for r in batch], padding=True, truncation=True,
              max_length=text_cfg.max_length, return_tensors="pt")
    enc["labels"] = torch.tensor([INCIDENTS.index(r.incident) for r in batch])
    return enc


def main():
    loop = LoopSettings()
    torch.manual_seed(loop.seed)
    accelerator = Accelerator(cpu=True)

    text_cfg = TextSettings(base_words=collect_words(REPORTS))
    tok = make_tokenizer(text_cfg)
    config = BertConfig(vocab_size=text_cfg.vocab_size, **asdict(EncoderSettings()))
    model = BertForSequenceClassification(config)
    print(f"model vocab={config.vocab_size} labels={config.num_labels}")

    loader = DataLoader(REPORTS, batch_size=loop.batch_size, shuffle=True,
                        collate_fn=lambda b: collate_reports(b, tok, text_cfg))
    optim = torch.optim.AdamW(model.parameters(), lr=loop.lr)
    model, optim, loader = accelerator.prepare(model, optim, loader)

    model.train()
    for epoch in range(loop.epochs):
        running = 0.0
        for step, batch in enumerate(loader):
            out = model(**batch)
            accelerator.backward(out.loss)
            optim.step()
            optim.zero_grad()
            running += out.loss.item()
        accelerator.print(f"epoch {epoch}: mean loss {running / (step + 1):.4f}")
    accelerator.print("done")


if __name__ == "__main__":
    main()
