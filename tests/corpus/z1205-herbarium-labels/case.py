"""Tag herbarium specimen labels (collector / locality / date / taxon) with a small BERT + HF Trainer."""
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import torch
from transformers import (BertConfig, BertForTokenClassification, BertTokenizer,
                          Trainer, TrainingArguments, set_seed)

set_seed(11)
TAGS = ["O", "TAXON", "COLLECTOR", "LOCALITY", "DATE"]
T = {t: i for i, t in enumerate(TAGS)}


def lab(catalog, spec):
    # spec: "word/TAG word/TAG ..." ; untagged words are O
    words, tags = [], []
    for item in spec.split():
        w, _, t = item.partition("/")
        words.append(w)
        tags.append(t or "O")
    return {"catalog": catalog, "words": words, "tags": tags}


TRAIN = [
    lab("MO-1043", "Carex/TAXON pensylvanica/TAXON coll./O Steyermark/COLLECTOR Ozark/LOCALITY bluff/LOCALITY 1938/DATE"),
    lab("MO-1107", "Quercus/TAXON alba/TAXON leg./O Palmer/COLLECTOR 1921/DATE"),
    lab("MO-1212", "Solidago/TAXON rugosa/TAXON roadside/LOCALITY near/LOCALITY Rolla/LOCALITY coll./O Bush/COLLECTOR 1899/DATE"),
    lab("MO-1290", "Viola/TAXON sororia/TAXON Bush/COLLECTOR 1902/DATE"),
    lab("MO-1301", "Asclepias/TAXON tuberosa/TAXON dry/LOCALITY prairie/LOCALITY Jasper/LOCALITY county/LOCALITY leg./O Palmer/COLLECTOR 1930/DATE"),
    lab("MO-1344", "Carex/TAXON grayi/TAXON coll./O Steyermark/COLLECTOR 1941/DATE"),
    lab("MO-1372", "Quercus/TAXON velutina/TAXON Ozark/LOCALITY bluff/LOCALITY Bush/COLLECTOR 1905/DATE"),
    lab("MO-1408", "Viola/TAXON pedata/TAXON glade/LOCALITY leg./O Steyermark/COLLECTOR 1937/DATE"),
]
EVAL = [
    lab("MO-2011", "Solidago/TAXON nemoralis/TAXON dry/LOCALITY glade/LOCALITY near/LOCALITY Rolla/LOCALITY coll./O Palmer/COLLECTOR 1926/DATE"),
    lab("MO-2040", "Carex/TAXON alba/TAXON Bush/COLLECTOR 1900/DATE"),
    lab("MO-2075", "Asclepias/TAXON viridis/TAXON roadside/LOCALITY leg./O Steyermark/COLLECTOR 1939/DATE"),
    lab("MO-2102", "Quercus/TAXON Palmer/COLLECTOR"),
    lab("MO-2133", "Viola/TAXON sororia/TAXON Jasper/LOCALITY county/LOCALITY prairie/LOCALITY coll./O Bush/COLLECTOR 1903/DATE"),
    lab("MO-2160", "Carex/TAXON pensylvanica/TAXON Ozark/LOCALITY 1940/DATE"),
]


def make_tokenizer(records):
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    for r in records:
        for w in r["words"]:
            if w.lower() not in vocab:
                vocab.append(w.lower())
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizer(path)


TOK = make_tokenizer(TRAIN + EVAL)


def encode_specimen(rec):
    """Worker: word pieces for one label, plus the piece->word alignment."""
    pieces, owner = [TOK.cls_token_id], [None]
    for wi, w in enumerate(rec["words"]):
        ids = TOK.convert_tokens_to_ids(TOK.tokenize(w))
        pieces += ids
        owner += [wi] * len(ids)
    pieces.append(TOK.sep_token_id)
    owner.append(None)
    return {"catalog": rec["catalog"], "input_ids": pieces, "owner": owner, "n_pieces": len(pieces)}


def project_tags(rec):
    """Worker: per-piece tag ids (first piece of a word only, -100 elsewhere)."""
    out = [-100]
    for w, t in zip(rec["words"], rec["tags"]):
        n = len(TOK.tokenize(w))
        out += [T[t]] + [-100] * (n - 1)
    return out + [-100]


def assemble(records, enc_cache, tag_lists):
    rows = []
    for pos, tags in enumerate(tag_lists):
        enc = enc_cache[pos]
        rows.append({"input_ids": enc["input_ids"], "labels": tags})
    return rows


def collate(rows):
    id_w = max(len(r["input_ids"]) for r in rows)
    lab_w = max(len(r["labels"]) for r in rows)
    ids = torch.tensor([r["input_ids"] + [TOK.pad_token_id] * (id_w - len(r["input_ids"])) for r in rows])
    tags = torch.tensor([r["labels"] + [-100] * (lab_w - len(r["labels"])) for r in rows])
    return {"input_ids": ids, "attention_mask": (ids != TOK.pad_token_id).long(), "labels": tags}


def token_accuracy(pred):
    guess = pred.predictions.argmax(-1)
    keep = pred.label_ids != -100
    return {"tag_acc": float((guess[keep] == pred.label_ids[keep]).mean())}


with ThreadPoolExecutor(max_workers=4) as pool:
    train_cache = dict(enumerate(pool.map(encode_specimen, TRAIN)))
    eval_cache = dict(enumerate(pool.map(encode_specimen, EVAL)))
    print("piece counts (eval):", {e["catalog"]: e["n_pieces"] for e in eval_cache.values()})

    train_rows = assemble(TRAIN, train_cache, list(pool.map(project_tags, TRAIN)))
    # evaluate shortest labels first so batches carry little padding
    EVAL.sort(key=lambda r: len(r["words"]))
    eval_rows = assemble(EVAL, eval_cache, list(pool.map(project_tags, EVAL)))

cfg = BertConfig(vocab_size=TOK.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                 intermediate_size=64, max_position_embeddings=64, num_labels=len(TAGS))
model = BertForTokenClassification(cfg)

args = TrainingArguments(output_dir=tempfile.mkdtemp(), per_device_train_batch_size=4,
                         per_device_eval_batch_size=3, num_train_epochs=1, learning_rate=5e-4,
                         save_strategy="no", logging_steps=2, remove_unused_columns=False,
                         use_cpu=True, disable_tqdm=True, report_to=[])
trainer = Trainer(model=model, args=args, train_dataset=train_rows, eval_dataset=eval_rows,
                  data_collator=collate, compute_metrics=token_accuracy)
trainer.train()
metrics = trainer.evaluate()
print("eval:", {k: round(v, 4) for k, v in metrics.items() if isinstance(v, float)})
