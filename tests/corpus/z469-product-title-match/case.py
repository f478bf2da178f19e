# Product title matching: do two marketplace listings describe the same item?
import os
import tempfile
from dataclasses import dataclass, field

import torch
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer


@dataclass
class ModelCfg:
    hidden_size: int = 64
    num_hidden_layers: int = 2
    num_attention_heads: int = 4
    intermediate_size: int = 128
    max_position_embeddings: int = 66
    type_vocab_size: int = 1
    hidden_dropout_prob: float = 0.1


@dataclass
class TrainCfg:
    batch_size: int = 6
    lr: float = 3e-4
    epochs: int = 2
    max_len: int = 48
    seed: int = 1234
    model: ModelCfg = field(default_factory=ModelCfg)


PAIRS = [
    ("apple iphone 13 128gb blue", "iphone 13 blue 128 gb unlocked", 1),
    ("samsung galaxy s21 5g black", "galaxy s21 ultra case black", 0),
    ("sony wh-1000xm4 wireless headphones", "sony wh1000xm4 noise cancelling headphones", 1),
    ("logitech mx master 3 mouse", "logitech mx keys keyboard", 0),
    ("anker usb c charger 65w", "anker 65w usb-c wall charger", 1),
    ("kindle paperwhite 8gb", "kindle paperwhite leather cover", 0),
    ("dell xps 13 laptop 16gb", "dell xps 13 16gb ram laptop", 1),
    ("nintendo switch oled white", "switch pro controller", 0),
    ("bose soundlink mini speaker", "bose soundlink mini ii bluetooth speaker", 1),
    ("lenovo thinkpad x1 carbon", "hp spectre x360 laptop", 0),
    ("garmin forerunner 245 watch", "garmin forerunner 245 gps running watch", 1),
    ("fitbit charge 5 band", "fitbit charge 5 replacement strap", 0),
]


def make_tokenizer(pairs):
    words = sorted({w for a, b, _ in pairs for w in (a + " " + b).split()})
    tmp = tempfile.mkdtemp()
    vocab_path = os.path.join(tmp, "vocab.txt")
    with open(vocab_path, "w") as fh:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words]:
            fh.write(tok + "\n")
    return BertTokenizer(vocab_path)


def make_collate(tokenizer, max_len):
    def collate(batch):
        left, right, labels = zip(*batch)
        enc = tokenizer(list(left), list(right), padding=True, truncation=True,
                        max_length=max_len, return_tensors="pt")
        enc["labels"] = torch.tensor(labels)
        return enc
    return collate


def train(cfg: TrainCfg):
    set_seed(cfg.seed)
    accelerator = Accelerator(cpu=True)
    tokenizer = make_tokenizer(PAIRS)
    bert_cfg = BertConfig(vocab_size=len(tokenizer), num_labels=2,
                          pad_token_id=tokenizer.pad_token_id, **vars(cfg.model))
    model = BertForSequenceClassification(bert_cfg)
    loader = DataLoader(PAIRS, batch_size=cfg.batch_size, shuffle=True,
                        collate_fn=make_collate(tokenizer, cfg.max_len))
    optim = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    model, optim, loader = accelerator.prepare(model, optim, loader)

    for epoch in range(cfg.epochs):
        model.train()
        running, correct = 0.0, 0
        for batch in loader:
            out = model(**batch)
            accelerator.backward(out.loss)
            optim.step()
            optim.zero_grad()
            running += out.loss.item()
            correct += (out.logits.argmax(-1) == batch["labels"]).sum().item()
        accelerator.print(f"epoch {epoch}: loss={running / len(loader):.4f} "
                          f"acc={correct / len(PAIRS):.2f}")
    return model


if __name__ == "__main__":
    train(TrainCfg())
