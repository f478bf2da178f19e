import os, tempfile
from functools import partial
import torch
from torch.utils.data import DataLoader
import lightning as L
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

L.seed_everything(3, verbose=False)

TAGS = ["O", "B-RWY", "B-FREQ", "B-TIME", "B-ACT"]
# hand-annotated NOTAM snippets: word/TAG
NOTAMS = [
    "rwy/O 09l/B-RWY closed/B-ACT 0600/B-TIME to/O 1400/B-TIME",
    "twr/O freq/O 118.3/B-FREQ unserviceable/B-ACT",
    "rwy/O 27r/B-RWY ils/O out/B-ACT of/O service/O from/O 2200/B-TIME",
    "atis/O available/O on/O 127.85/B-FREQ",
    "taxiway/O alpha/O closed/B-ACT between/O 0800/B-TIME and/O 1000/B-TIME due/O works/O on/O rwy/O 09l/B-RWY",
    "approach/O 119.1/B-FREQ replaces/B-ACT 120.4/B-FREQ",
    "rwy/O 27r/B-RWY lighting/O reduced/B-ACT",
    "ground/O 121.9/B-FREQ closed/B-ACT 2300/B-TIME to/O 0500/B-TIME",
]
HP = dict(max_len=24, batch_size=4, lr=5e-4)

def parse(line):
    words, tags = zip(*(item.rsplit("/", 1) for item in line.split()))
    return list(words), [TAGS.index(t) for t in tags]

def vocab_tokenizer(lines):
    words = sorted({w for ln in lines for w in parse(ln)[0]})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path, do_basic_tokenize=False)

def collate(examples, pad_id, max_len):
    width = max(len(e[0]) for e in examples)
    ids = torch.full((len(examples), width), pad_id)
    tags = torch.full((len(examples), width), -100)
    keep = torch.zeros_like(ids)
    for i, (tok_ids, tag_ids) in enumerate(examples):
        n = len(tok_ids)
        ids[i, :n], tags[i, :n], keep[i, :n] = torch.tensor(tok_ids), torch.tensor(tag_ids), 1
    return {"input_ids": ids, "attention_mask": keep, "labels": tags}

class NotamTagger(L.LightningModule):
    def __init__(self, vocab_size, lr):
        super().__init__()
        self.save_hyperparameters()
        self.net = BertForTokenClassification(BertConfig(
            vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
            intermediate_size=64, max_position_embeddings=64, num_labels=len(TAGS)))
    def training_step(self, batch, _):
        out = self.net(**batch)
        self.log("train_loss", out.loss, batch_size=batch["input_ids"].size(0))
        return out.loss
    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)

tok = vocab_tokenizer(NOTAMS)
encoded = [(tok.convert_tokens_to_ids(w), t) for w, t in map(parse, NOTAMS)]
print(f"{len(encoded)} notams, lengths {[len(e[0]) for e in encoded]}, vocab {tok.vocab_size}")

loader = DataLoader(encoded, batch_size=HP["batch_size"], shuffle=True,
                    collate_fn=partial(collate, pad_id=tok.pad_token_id, max_len=HP["max_len"]))
tagger = NotamTagger(tok.vocab_size, HP["lr"])
trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                    enable_checkpointing=False, enable_model_summary=False)
trainer.fit(tagger, loader)

tagger.eval()
with torch.no_grad():
    probe = collate(encoded[:2], tok.pad_token_id, HP["max_len"])
    pred = tagger.net(**{k: v for k, v in probe.items() if k != "labels"}).logits.argmax(-1)
for (w, _), row in zip(map(parse, NOTAMS[:2]), pred):
    print(" ".join(f"{x}/{TAGS[p]}" for x, p in zip(w, row.tolist())))
