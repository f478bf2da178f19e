import os
import tempfile

import torch
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

BASE_WORDS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "patient", "reports", "pain", "in",
              "the", "left", "knee", "since", "monday", "prescribed", "ibuprofen", "twice",
              "daily", "no", "fever", "history", "of", "asthma"]
SECTION_MARKERS = ["[HPI]", "[MEDS]", "[PMH]"]
ENTITY_LABELS = ["O", "SYMPTOM", "DRUG", "CONDITION"]

NOTE = ("[HPI] patient reports pain in the left knee since monday "
        "[MEDS] prescribed ibuprofen twice daily [PMH] history of asthma no fever")


def load_note_tokenizer(folder):
    vocab_path = os.path.join(folder, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(BASE_WORDS) + "\n")
    tok = BertTokenizer(vocab_path)
    tok.add_tokens(SECTION_MARKERS, special_tokens=True)
    return tok


def make_tagger(num_words):
    config = BertConfig(vocab_size=num_words, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                        num_labels=len(ENTITY_LABELS))
    return BertForTokenClassification(config)


def tag_note(tok, model, text):
    enc = tok(text, return_tensors="pt", truncation=True, max_length=64)
    with torch.no_grad():
        logits = model(**enc).logits
    pieces = tok.convert_ids_to_tokens(enc["input_ids"][0])
    preds = logits.argmax(-1)[0].tolist()
    return [(p, ENTITY_LABELS[i]) for p, i in zip(pieces, preds)]


def main():
    torch.manual_seed(0)
    with tempfile.TemporaryDirectory() as folder:
        tok = load_note_tokenizer(folder)
    model = make_tagger(len(BASE_WORDS))
    model.resize_token_embeddings(len(tok))
    model.eval()
    tagged = tag_note(tok, model, NOTE)
    for piece, label in tagged:
        print(f"{piece:>12s}  {label}")


if __name__ == "__main__":
    main()
