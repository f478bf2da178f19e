"""Port-of-call extraction from harbour-master notices with a copy (pointer) head on a tiny BERT.

The head scores every token of the notice; the port name is copied from the highest-scoring position.
"""
import functools
import os
import tempfile

import lightning as L
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

NOTICES = [
    {"text": "vessel nordic star arriving rotterdam berth twelve eta monday", "port": "rotterdam"},
    {"text": "tanker sea falcon diverted to antwerp due to fog", "port": "antwerp"},
    {"text": "bulk carrier ocean pride calling hamburg for bunkers", "port": "hamburg"},
    {"text": "reefer polar wind delayed at gdansk pilot station", "port": "gdansk"},
    {"text": "container ship blue horizon departs valencia tonight", "port": "valencia"},
    {"text": "ro ro ferry baltic queen arriving klaipeda tuesday morning", "port": "klaipeda"},
    {"text": "tug harbour ace assisting at rotterdam outer anchorage", "port": "rotterdam"},
    {"text": "feeder sun glory calling gdansk then hamburg", "port": "gdansk"},
]


class PortPointer(L.LightningModule):
    def __init__(self, bert_cfg, lr=3e-3):
        super().__init__()
        self.bert = BertModel(bert_cfg)
        self.scorer = torch.nn.Linear(bert_cfg.hidden_size, 1)
        self.lr = lr

    def forward(self, input_ids, attention_mask):
        hid = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        scores = self.scorer(hid).squeeze(-1)
        return scores.masked_fill(attention_mask == 0, -1e4)

    def training_step(self, batch, batch_idx):
        scores = self(batch["input_ids"], batch["attention_mask"])
        loss = F.cross_entropy(scores, batch["copy_target"])
        if batch_idx == 0:
            print(f"  step0 loss={loss.item():.4f} scores={tuple(scores.shape)}")
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


def collate(rows, tok):
    enc = tok([r["text"] for r in rows], padding=True, return_tensors="pt")
    port_ids = torch.tensor([tok.convert_tokens_to_ids(r["port"]) for r in rows])
    copy_target = (enc["input_ids"] == port_ids.unsqueeze(1)).int().argmax(1)
    return {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"], "copy_target": copy_target}


class Pipeline:
    def __init__(self, seed=11, hidden=32):
        L.seed_everything(seed, verbose=False)
        self.hidden = hidden
        self.tmp = tempfile.mkdtemp(prefix="portptr_")

    def vocab(self, rows):
        self.rows = rows
        words = sorted({w for r in rows for w in r["text"].split()})
        path = os.path.join(self.tmp, "vocab.txt")
        with open(path, "w") as fh:
            fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
        self.tok = BertTokenizer(path)
        print(f"vocab: {len(self.tok)} entries, {len(rows)} notices")
        return self

    def loader(self, batch_size=4):
        self.train_dl = DataLoader(self.rows, batch_size=batch_size, shuffle=True,
                                   collate_fn=functools.partial(collate, tok=self.tok))
        return self

    def model(self):
        cfg = BertConfig(vocab_size=len(self.tok), hidden_size=self.hidden, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        self.net = PortPointer(cfg)
        return self

    def fit(self):
        trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                            enable_checkpointing=False, enable_model_summary=False)
        trainer.fit(self.net, self.train_dl)
        return self

    def decode(self):
        self.net.eval()
        batch = collate(self.rows, self.tok)
        with torch.no_grad():
            pos = self.net(batch["input_ids"], batch["attention_mask"]).argmax(-1)
        for r, ids, p in zip(self.rows, batch["input_ids"], pos.tolist()):
            print(f"  {self.tok.convert_ids_to_tokens(ids[p].item()):>10s}  <- {r['text']}")
        return self


if __name__ == "__main__":
    Pipeline().vocab(NOTICES).loader().model().fit().decode()
