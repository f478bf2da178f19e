# Herbarium label NER: taxon / locality / collector, tagged BIO, tiny BERT in Lightning.
# Validation runs one dataloader per digitisation batch (file) so we can compare scanners.
import os
import tempfile

import lightning as L
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

L.seed_everything(5, verbose=False)

FILES = {
    "batch_2019_kew.txt": """
quercus/B-TAX robur/I-TAX collected/O on/O chalk/O slope/O above/O the/O river/O near/O ashdown/B-LOC forest/I-LOC by/O moss/B-COL
betula/B-TAX pendula/I-TAX young/O tree/O at/O edge/O of/O wet/O heath/O south/O of/O hartfield/B-LOC leg/O ward/B-COL
fagus/B-TAX sylvatica/I-TAX beech/O hanger/O on/O north/O facing/O scarp/O at/O selborne/B-LOC common/I-LOC leg/O white/B-COL
""",
    "batch_2021_rbge.txt": """
pinus/B-TAX sylvestris/I-TAX at/O rannoch/B-LOC
salix/B-TAX herbacea/I-TAX summit/O ben/B-LOC lawers/I-LOC
sorbus/B-TAX aucuparia/I-TAX glen/B-LOC affric/I-LOC leg/O ward/B-COL
""",
}
TAGS = ["O", "B-TAX", "I-TAX", "B-LOC", "I-LOC", "B-COL", "I-COL"]
TAG2ID = {t: i for i, t in enumerate(TAGS)}


def parse(text):
    docs = []
    for line in text.strip().splitlines():
        pairs = [tok.rsplit("/", 1) for tok in line.split()]
        docs.append(([w for w, _ in pairs], [t for _, t in pairs]))
    return docs


def spans_from_tags(tags):
    """(start, end, type) over positions, end inclusive."""
    out, start = [], None
    for i, t in enumerate(tags + ["O"]):
        if start is not None and not t.startswith("I-"):
            out.append((start, i - 1, tags[start][2:]))
            start = None
        if t.startswith("B-"):
            start = i
    return out


def encode(tokenizer, docs):
    rows = []
    for words, tags in docs:
        enc = tokenizer(words, is_split_into_words=True)
        wids = enc.word_ids()
        lab = [-100 if w is None else TAG2ID[tags[w]] for w in wids]
        rows.append({"input_ids": enc["input_ids"], "labels": lab})
    return rows


def collate(rows, pad_id=0):
    width = max(len(r["input_ids"]) for r in rows)
    pad = lambda seq, v: seq + [v] * (width - len(seq))
    return {
        "input_ids": torch.tensor([pad(r["input_ids"], pad_id) for r in rows]),
        "attention_mask": torch.tensor([pad([1] * len(r["input_ids"]), 0) for r in rows]),
        "labels": torch.tensor([pad(r["labels"], -100) for r in rows]),
    }


class LabelTagger(L.LightningModule):
    def __init__(self, vocab_size, gold_spans, eval_bs, file_starts):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=64, num_labels=len(TAGS))
        self.net = BertForTokenClassification(cfg)
        self.gold_spans = gold_spans  # one list per document, positions shifted by 1 for [CLS]
        self.eval_bs = eval_bs
        self.file_starts = file_starts  # index of each file's first document in gold_spans
        self.counts = {}

    def training_step(self, batch, batch_idx):
        return self.net(**batch).loss

    def on_validation_epoch_start(self):
        self.counts = {"tp": 0, "pred": 0, "gold": 0}

    def validation_step(self, batch, batch_idx, dataloader_idx=0):
        pred = self.net(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits.argmax(-1)
        lengths = batch["attention_mask"].sum(1)
        for i in range(pred.size(0)):
            doc_id = self.file_starts[dataloader_idx] + batch_idx * self.eval_bs + i
            seq = pred[i, : lengths[i]]
            pred_spans = spans_from_tags([TAGS[t] for t in seq.tolist()])
            self.counts["pred"] += len(pred_spans)
            for start, end, kind in self.gold_spans[doc_id]:
                want = torch.tensor([TAG2ID["B-" + kind]] + [TAG2ID["I-" + kind]] * (end - start))
                got = seq.index_select(0, torch.arange(start, end + 1))
                self.counts["tp"] += int(torch.equal(got, want))
                self.counts["gold"] += 1

    def on_validation_epoch_end(self):
        c = self.counts
        f1 = 2 * c["tp"] / max(c["pred"] + c["gold"], 1)
        print(f"span F1 {f1:.3f}  (tp={c['tp']} pred={c['pred']} gold={c['gold']})")

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=3e-3)


def main():
    per_file = {name: parse(text) for name, text in FILES.items()}
    all_docs = [d for docs in per_file.values() for d in docs]

    vocab_dir = tempfile.mkdtemp(prefix="herb_")
    words = sorted({w for ws, _ in all_docs for w in ws})
    with open(os.path.join(vocab_dir, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tokenizer = BertTokenizer(os.path.join(vocab_dir, "vocab.txt"))

    gold = [[(s + 1, e + 1, k) for s, e, k in spans_from_tags(tags)] for _, tags in all_docs]
    print(f"{len(all_docs)} labels, {sum(map(len, gold))} gold spans, vocab {tokenizer.vocab_size}")

    eval_bs = 2
    train_dl = DataLoader(encode(tokenizer, all_docs), batch_size=2, shuffle=True, collate_fn=collate)
    val_dls = [DataLoader(encode(tokenizer, docs), batch_size=eval_bs, collate_fn=collate)
               for docs in per_file.values()]

    file_starts = [0]
    for docs in list(per_file.values())[:-1]:
        file_starts.append(file_starts[-1] + len(docs))
    model = LabelTagger(tokenizer.vocab_size, gold, eval_bs, file_starts)
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(model, train_dl, val_dls)


if __name__ == "__main__":
    main()
