"""Screen prescription pairs for clinically relevant drug-drug interactions.

Each example has three fields - the index drug, the co-prescribed drug and a
short patient context - packed into one sequence with a segment id per field,
and scored by a tiny BERT trained with Lightning.
"""
import os
import tempfile

import lightning as L
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

FIELDS = ("index_drug", "co_drug", "context")
SEVERITY = ["none", "moderate", "major"]

HPARAMS = {
    "hidden_size": 32,
    "num_hidden_layers": 1,
    "num_attention_heads": 2,
    "intermediate_size": 64,
    "max_position_embeddings": 64,
    "type_vocab_size": 2,
    "lr": 1e-3,
    "max_len": 32,
    "batch_size": 4,
}

PAIRS = [
    {"index_drug": "warfarin", "co_drug": "fluconazole", "context": "elderly atrial fibrillation", "severity": "major"},
    {"index_drug": "simvastatin", "co_drug": "clarithromycin", "context": "adult pneumonia", "severity": "major"},
    {"index_drug": "metformin", "co_drug": "lisinopril", "context": "type two diabetes", "severity": "none"},
    {"index_drug": "sertraline", "co_drug": "tramadol", "context": "chronic back pain", "severity": "moderate"},
    {"index_drug": "lithium", "co_drug": "ibuprofen", "context": "bipolar elderly", "severity": "major"},
    {"index_drug": "amlodipine", "co_drug": "paracetamol", "context": "hypertension adult", "severity": "none"},
    {"index_drug": "digoxin", "co_drug": "amiodarone", "context": "heart failure elderly", "severity": "major"},
    {"index_drug": "levothyroxine", "co_drug": "calcium", "context": "postmenopausal adult", "severity": "moderate"},
]


def write_vocab(rows):
    words = sorted({w for r in rows for f in FIELDS for w in r[f].split()})
    path = os.path.join(tempfile.mkdtemp(prefix="ddi_"), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def make_collate(tokenizer, max_len):
    def encode(row):
        ids, segments = [tokenizer.cls_token_id], [0]
        for seg, field in enumerate(FIELDS):
            piece = tokenizer.convert_tokens_to_ids(tokenizer.tokenize(row[field]))
            piece.append(tokenizer.sep_token_id)
            ids.extend(piece)
            segments.extend([seg] * len(piece))
        return ids[:max_len], segments[:max_len]

    def collate(rows):
        encoded = [encode(r) for r in rows]
        width = max(len(ids) for ids, _ in encoded)
        input_ids = torch.full((len(rows), width), tokenizer.pad_token_id)
        token_type_ids = torch.zeros((len(rows), width), dtype=torch.long)
        attention_mask = torch.zeros((len(rows), width), dtype=torch.long)
        for i, (ids, segs) in enumerate(encoded):
            input_ids[i, :len(ids)] = torch.tensor(ids)
            token_type_ids[i, :len(segs)] = torch.tensor(segs)
            attention_mask[i, :len(ids)] = 1
        labels = torch.tensor([SEVERITY.index(r["severity"]) for r in rows])
        return input_ids, token_type_ids, attention_mask, labels

    return collate


class InteractionScreen(L.LightningModule):
    def __init__(self, vocab_size, hp):
        super().__init__()
        self.hp = hp
        bert_keys = ("hidden_size", "num_hidden_layers", "num_attention_heads",
                     "intermediate_size", "max_position_embeddings", "type_vocab_size")
        self.bert = BertModel(BertConfig(vocab_size=vocab_size, **{k: hp[k] for k in bert_keys}))
        self.classifier = torch.nn.Linear(hp["hidden_size"], len(SEVERITY))

    def forward(self, input_ids, token_type_ids, attention_mask):
        hidden = self.bert(input_ids=input_ids, token_type_ids=token_type_ids,
                           attention_mask=attention_mask).pooler_output
        return self.classifier(hidden)

    def training_step(self, batch, batch_idx):
        input_ids, token_type_ids, attention_mask, labels = batch
        loss = F.cross_entropy(self(input_ids, token_type_ids, attention_mask), labels)
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hp["lr"])


if __name__ == "__main__":
    L.seed_everything(3)
    tokenizer = BertTokenizer(write_vocab(PAIRS))
    loader = DataLoader(PAIRS, batch_size=HPARAMS["batch_size"], shuffle=True,
                        collate_fn=make_collate(tokenizer, HPARAMS["max_len"]))
    screen = InteractionScreen(tokenizer.vocab_size, HPARAMS)
    trainer = L.Trainer(max_steps=4, logger=False, enable_checkpointing=False,
                        enable_progress_bar=False, accelerator="cpu", enable_model_summary=False)
    trainer.fit(screen, loader)
    print("done, last loss", float(trainer.callback_metrics["train_loss"]))
