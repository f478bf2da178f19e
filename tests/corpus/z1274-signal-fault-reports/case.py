# %% [markdown]
# Railway signalling fault reports -> root cause. Input = fault code + technician note
# (BERT sentence pair). Lightning module around a tiny BertForSequenceClassification.

# %%
import os
import tempfile

import lightning as L
import torch
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

L.seed_everything(3)
display = print

# %%
CAUSES = ["track_circuit", "point_machine", "signal_lamp", "axle_counter"]
reports = [
    ("tc 114 fail", "track circuit showing occupied with no train present", "heavy rain", 0),
    ("tc 207 flicker", "intermittent drop of track relay ballast wet", "flooding", 0),
    ("pm 12a nd", "points failed to detect normal position ice in slide chairs", "frost", 1),
    ("pm 3b slow", "point machine motor current high during throw", "dry", 1),
    ("pm 8 obstruct", "ballast stone between switch rail and stock rail", "dry", 1),
    ("sig k41 dark", "main filament failed lamp proving relay dropped", "wind", 2),
    ("sig k12 dim", "led module degraded aspect visibility poor", "fog", 2),
    ("ac 5 reset", "axle counter disturbed after tamping needs reset", "dry", 3),
    ("ac 9 miscount", "counting head damaged by dragging equipment", "snow", 3),
    ("tc 301 fail", "insulated rail joint broken track circuit down", "frost", 0),
]
N_SEGMENTS = 2          # code / note
TYPE_VOCAB = N_SEGMENTS
display(len(reports), N_SEGMENTS)

# %%
tmp = tempfile.mkdtemp()
vocab = sorted({w for r in reports for part in r[:3] for w in part.split()})
with open(os.path.join(tmp, "vocab.txt"), "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + vocab) + "\n")
tokenizer = BertTokenizer(os.path.join(tmp, "vocab.txt"))

pair = tokenizer(reports[0][0], reports[0][1])
display(pair["token_type_ids"])

# %%
class FaultCauseModel(L.LightningModule):
    def __init__(self, vocab_size, type_vocab_size, n_classes, lr=5e-4):
        super().__init__()
        self.save_hyperparameters()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                         type_vocab_size=type_vocab_size, num_labels=n_classes)
        self.bert = BertForSequenceClassification(cfg)

    def forward(self, ids, segs, attn):
        return self.bert(input_ids=ids, token_type_ids=segs, attention_mask=attn).logits

    def training_step(self, batch, batch_idx):
        ids, segs, attn, y = batch
        loss = torch.nn.functional.cross_entropy(self(ids, segs, attn), y)
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)

# %%
def encode_report(code, note, weather):
    # [CLS] code [SEP] note [SEP] -- one segment id per part
    parts = [code, note]
    ids, segs = [tokenizer.cls_token_id], [0]
    for seg_no, part in enumerate(parts):
        piece = tokenizer.convert_tokens_to_ids(tokenizer.tokenize(part)) + [tokenizer.sep_token_id]
        ids += piece
        segs += [seg_no] * len(piece)
    return torch.tensor(ids), torch.tensor(segs)

def collate(rows):
    enc = [encode_report(c, n, w) for c, n, w, _ in rows]
    ids = pad_sequence([e[0] for e in enc], batch_first=True, padding_value=tokenizer.pad_token_id)
    segs = pad_sequence([e[1] for e in enc], batch_first=True, padding_value=0)
    attn = (ids != tokenizer.pad_token_id).long()
    y = torch.tensor([r[3] for r in rows])
    return ids, segs, attn, y

b = collate(reports[:3])
display([t.shape for t in b], b[1][0])

# %%
# quick check the hand-built pair encoding matches the tokenizer's
display(encode_report(*reports[0][:3])[1].tolist() == pair["token_type_ids"])

# %%
# weather matters a lot for track circuits -- feed it as a third segment
N_SEGMENTS = 3

def encode_report(code, note, weather):
    parts = [code, note, weather]
    ids, segs = [tokenizer.cls_token_id], [0]
    for seg_no, part in enumerate(parts):
        piece = tokenizer.convert_tokens_to_ids(tokenizer.tokenize(part)) + [tokenizer.sep_token_id]
        ids += piece
        segs += [seg_no] * len(piece)
    return torch.tensor(ids), torch.tensor(segs)

b = collate(reports[:3])
display([t.shape for t in b], b[1][0])

# %%
lit = FaultCauseModel(vocab_size=len(tokenizer), type_vocab_size=TYPE_VOCAB, n_classes=len(CAUSES))
train_loader = DataLoader(reports, batch_size=4, shuffle=True, collate_fn=collate)
trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                    enable_checkpointing=False)
trainer.fit(lit, train_loader)
display("final loss", trainer.callback_metrics.get("train_loss"))
