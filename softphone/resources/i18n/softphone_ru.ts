<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru">
<context>
    <name>App</name>
    <message>
        <source>Signing out before quitting…</source>
        <translation>Выход из системы перед закрытием…</translation>
    </message>
    <message>
        <source>The integration API for your CRM is off: {0}. The phone still works.</source>
        <translation>Интеграционный API для вашей CRM выключен: {0}. Телефон по-прежнему работает.</translation>
    </message>
    <message>
        <source>Softphone</source>
        <translation>Софтфон</translation>
    </message>
</context>
<context>
    <name>AudioPage</name>
    <message>
        <source>Microphone</source>
        <translation>Микрофон</translation>
    </message>
    <message>
        <source>Speaker</source>
        <translation>Динамик</translation>
    </message>
    <message>
        <source>Ring device</source>
        <translation>Устройство для звонка</translation>
    </message>
    <message>
        <source>Play test tone</source>
        <translation>Тестовый сигнал</translation>
    </message>
    <message>
        <source>Play ringtone</source>
        <translation>Проиграть мелодию</translation>
    </message>
    <message>
        <source>Test microphone</source>
        <translation>Проверить микрофон</translation>
    </message>
    <message>
        <source>Record and play back</source>
        <translation>Записать и воспроизвести</translation>
    </message>
    <message>
        <source>Microphone level</source>
        <translation>Уровень микрофона</translation>
    </message>
    <message>
        <source>Classic (two short rings)</source>
        <translation>Классический (два коротких звонка)</translation>
    </message>
    <message>
        <source>Ringtone</source>
        <translation>Мелодия звонка</translation>
    </message>
    <message>
        <source>Choose a file…</source>
        <translation>Выбрать файл…</translation>
    </message>
    <message>
        <source>Ring on incoming calls</source>
        <translation>Звонить при входящих вызовах</translation>
    </message>
    <message>
        <source>Ring volume</source>
        <translation>Громкость звонка</translation>
    </message>
    <message>
        <source>Beep when a call is answered automatically</source>
        <translation>Сигнал, когда вызов принят автоматически</translation>
    </message>
    <message>
        <source>Noise suppression</source>
        <translation>Подавление шума</translation>
    </message>
    <message>
        <source>Automatic gain</source>
        <translation>Автоматическое усиление</translation>
    </message>
    <message>
        <source>Echo cancellation (for speakers)</source>
        <translation>Подавление эха (для колонок)</translation>
    </message>
    <message>
        <source>The customer hears you, not the room around you.</source>
        <translation>Клиент слышит вас, а не комнату вокруг.</translation>
    </message>
    <message>
        <source>Keeps your voice at one level, quiet or loud.</source>
        <translation>Держит ваш голос на одном уровне, тихий или громкий.</translation>
    </message>
    <message>
        <source>Only without a headset: stops the customer hearing themselves.</source>
        <translation>Только без гарнитуры: клиент не слышит сам себя.</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>Уровень</translation>
    </message>
    <message>
        <source>Your microphone (from the next call)</source>
        <translation>Ваш микрофон (со следующего звонка)</translation>
    </message>
    <message>
        <source>No sound devices were found. Plug in a headset.</source>
        <translation>Звуковые устройства не найдены. Подключите гарнитуру.</translation>
    </message>
    <message>
        <source>Audio</source>
        <translation>Звук</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>Системное по умолчанию</translation>
    </message>
    <message>
        <source>Choose a ringtone</source>
        <translation>Выбор мелодии звонка</translation>
    </message>
    <message>
        <source>Sound files (*.wav *.mp3 *.ogg *.flac *.m4a)</source>
        <translation>Звуковые файлы (*.wav *.mp3 *.ogg *.flac *.m4a)</translation>
    </message>
    <message>
        <source>Recording for 3 seconds: say something…</source>
        <translation>Запись 3 секунды: скажите что-нибудь…</translation>
    </message>
    <message>
        <source>Played back. Did you hear yourself clearly?</source>
        <translation>Воспроизведено. Хорошо ли вы себя слышали?</translation>
    </message>
</context>
<context>
    <name>AutoAnswerPage</name>
    <message>
        <source>Answer calls automatically</source>
        <translation>Отвечать на вызовы автоматически</translation>
    </message>
    <message>
        <source> ms</source>
        <translation> мс</translation>
    </message>
    <message>
        <source>Delay before answering</source>
        <translation>Задержка перед ответом</translation>
    </message>
    <message>
        <source>Inbound calls</source>
        <translation>Входящие вызовы</translation>
    </message>
    <message>
        <source>Predictive calls</source>
        <translation>Предиктивные вызовы</translation>
    </message>
    <message>
        <source>My own outgoing calls</source>
        <translation>Мои собственные исходящие вызовы</translation>
    </message>
    <message>
        <source>Set by the server for your account.</source>
        <translation>Установлено сервером для вашей учётной записи.</translation>
    </message>
    <message>
        <source>Auto-answer</source>
        <translation>Автоответ</translation>
    </message>
</context>
<context>
    <name>Banner</name>
    <message>
        <source>Dismiss</source>
        <translation>Закрыть</translation>
    </message>
</context>
<context>
    <name>CallCodeDialog</name>
    <message>
        <source>Call code</source>
        <translation>Код звонка</translation>
    </message>
    <message>
        <source>How did the call end?</source>
        <translation>Чем закончился звонок?</translation>
    </message>
    <message>
        <source>Type to search the codes</source>
        <translation>Начните вводить для поиска кодов</translation>
    </message>
    <message>
        <source>Search the call codes</source>
        <translation>Поиск кодов звонка</translation>
    </message>
    <message>
        <source>Call codes</source>
        <translation>Коды звонка</translation>
    </message>
    <message>
        <source>&amp;Set code</source>
        <translation>&amp;Установить код</translation>
    </message>
    <message>
        <source>Set the selected call code</source>
        <translation>Установить выбранный код звонка</translation>
    </message>
    <message>
        <source>&amp;Later</source>
        <translation>&amp;Позже</translation>
    </message>
    <message>
        <source>Choose the code later</source>
        <translation>Выбрать код позже</translation>
    </message>
    <message>
        <source>Close; the desk keeps a button to come back (Esc)</source>
        <translation>Закрыть; на рабочем месте останется кнопка, чтобы вернуться (Esc)</translation>
    </message>
    <message>
        <source>Code “{code}” kept; it is sent when Mediatel is back.</source>
        <translation>Код «{code}» сохранён; он будет отправлен, как только Mediatel вернётся.</translation>
    </message>
    <message>
        <source>Code “{code}” sent; waiting for the platform to confirm.</source>
        <translation>Код «{code}» отправлен; ждём подтверждения платформы.</translation>
    </message>
    <message>
        <source>After-call work ends by itself in {time}.</source>
        <translation>Поствызывная обработка завершится сама через {time}.</translation>
    </message>
    <message>
        <source>Please choose a code now.</source>
        <translation>Пожалуйста, выберите код сейчас.</translation>
    </message>
    <message>
        <source>Please choose a code within {time}.</source>
        <translation>Пожалуйста, выберите код в течение {time}.</translation>
    </message>
    <message>
        <source>Select a code first</source>
        <translation>Сначала выберите код</translation>
    </message>
    <message>
        <source>Set the selected code (Enter)</source>
        <translation>Установить выбранный код (Enter)</translation>
    </message>
    <message>
        <source>The code was not set: {reason} Press Enter to try again.</source>
        <translation>Код не установлен: {reason} Нажмите Enter, чтобы попробовать снова.</translation>
    </message>
    <message>
        <source>Setting “{code}”…</source>
        <translation>Устанавливаем «{code}»…</translation>
    </message>
</context>
<context>
    <name>CallPanel</name>
    <message>
        <source>Call ID:</source>
        <translation>ID звонка:</translation>
    </message>
    <message>
        <source>Copy the call ID (callTraceID) for the CRM</source>
        <translation>Скопировать ID звонка (callTraceID) для CRM</translation>
    </message>
    <message>
        <source>Copy the call ID</source>
        <translation>Скопировать ID звонка</translation>
    </message>
    <message>
        <source>Open the call&apos;s recording</source>
        <translation>Открыть запись звонка</translation>
    </message>
    <message>
        <source>&amp;Answer</source>
        <translation>&amp;Ответить</translation>
    </message>
    <message>
        <source>Re&amp;ject</source>
        <translation>От&amp;клонить</translation>
    </message>
    <message>
        <source>&amp;Hold</source>
        <translation>&amp;Удержание</translation>
    </message>
    <message>
        <source>&amp;Mute</source>
        <translation>&amp;Выкл. микрофон</translation>
    </message>
    <message>
        <source>&amp;Keypad</source>
        <translation>&amp;Клавиатура</translation>
    </message>
    <message>
        <source>Show the keypad to send digits</source>
        <translation>Показать клавиатуру для отправки цифр</translation>
    </message>
    <message>
        <source>Send digits (tones) to the call</source>
        <translation>Отправить цифры (тоны) в звонок</translation>
    </message>
    <message>
        <source>Hang &amp;up</source>
        <translation>&amp;Завершить</translation>
    </message>
    <message>
        <source>Answer the call</source>
        <translation>Ответить на звонок</translation>
    </message>
    <message>
        <source>Reject the call</source>
        <translation>Отклонить звонок</translation>
    </message>
    <message>
        <source>Hang up</source>
        <translation>Завершить</translation>
    </message>
    <message>
        <source>Answer ({key})</source>
        <translation>Ответить ({key})</translation>
    </message>
    <message>
        <source>Hang up ({key})</source>
        <translation>Завершить ({key})</translation>
    </message>
    <message>
        <source>Take the call off hold ({key})</source>
        <translation>Снять звонок с удержания ({key})</translation>
    </message>
    <message>
        <source>Put the call on hold ({key})</source>
        <translation>Поставить звонок на удержание ({key})</translation>
    </message>
    <message>
        <source>Turn the microphone back on ({key})</source>
        <translation>Снова включить микрофон ({key})</translation>
    </message>
    <message>
        <source>Mute the microphone ({key})</source>
        <translation>Выключить микрофон ({key})</translation>
    </message>
    <message>
        <source>{kind}, {direction}</source>
        <translation>{kind}, {direction}</translation>
    </message>
    <message>
        <source>Unknown number</source>
        <translation>Неизвестный номер</translation>
    </message>
    <message>
        <source>Number not known yet</source>
        <translation>Номер пока неизвестен</translation>
    </message>
    <message>
        <source>Number: {number}</source>
        <translation>Номер: {number}</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Продолжить</translation>
    </message>
    <message>
        <source>Take off hold</source>
        <translation>Снять с удержания</translation>
    </message>
    <message>
        <source>Hold the call</source>
        <translation>Удерживать звонок</translation>
    </message>
    <message>
        <source>Unmute</source>
        <translation>Вкл. микрофон</translation>
    </message>
    <message>
        <source>Unmute the microphone</source>
        <translation>Включить микрофон</translation>
    </message>
    <message>
        <source>Mute the microphone</source>
        <translation>Выключить микрофон</translation>
    </message>
    <message>
        <source>Call {time} · on hold</source>
        <translation>Звонок {time} · на удержании</translation>
    </message>
    <message>
        <source>Open the recording</source>
        <translation>Открыть запись</translation>
    </message>
    <message>
        <source>Calling…</source>
        <translation>Вызов…</translation>
    </message>
    <message>
        <source>Ringing {time}</source>
        <translation>Звонит {time}</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Соединение…</translation>
    </message>
    <message>
        <source>Call ended</source>
        <translation>Звонок завершён</translation>
    </message>
    <message>
        <source>Talking {time}</source>
        <translation>Разговор {time}</translation>
    </message>
    <message>
        <source>the customer put you on hold</source>
        <translation>клиент поставил вас на удержание</translation>
    </message>
    <message>
        <source>Answering by itself in {seconds} s</source>
        <translation>Автоответ через {seconds} с</translation>
    </message>
</context>
<context>
    <name>ClericalPanel</name>
    <message>
        <source>After-call work</source>
        <translation>Поствызывная обработка</translation>
    </message>
    <message>
        <source>Choose the &amp;call code…</source>
        <translation>Выбрать &amp;код звонка…</translation>
    </message>
    <message>
        <source>Choose the call code</source>
        <translation>Выбрать код звонка</translation>
    </message>
    <message>
        <source>Open the list of call codes</source>
        <translation>Открыть список кодов звонка</translation>
    </message>
    <message>
        <source>Code “{code}” kept; it is sent when Mediatel is back.</source>
        <translation>Код «{code}» сохранён; он будет отправлен, как только Mediatel вернётся.</translation>
    </message>
    <message>
        <source>Code “{code}” sent; waiting for the platform.</source>
        <translation>Код «{code}» отправлен; ждём платформу.</translation>
    </message>
    <message>
        <source>Choose a code for the call you just finished.</source>
        <translation>Выберите код для только что завершённого звонка.</translation>
    </message>
    <message>
        <source>Ends by itself in {time}.</source>
        <translation>Завершится сама через {time}.</translation>
    </message>
    <message>
        <source>Please choose a code now.</source>
        <translation>Пожалуйста, выберите код сейчас.</translation>
    </message>
    <message>
        <source>Please choose a code within {time}.</source>
        <translation>Пожалуйста, выберите код в течение {time}.</translation>
    </message>
</context>
<context>
    <name>Commands</name>
    <message>
        <source>Not available: {reason}</source>
        <translation>Недоступно: {reason}</translation>
    </message>
</context>
<context>
    <name>CoreText</name>
    <message>
        <source>the connection dropped</source>
        <translation>соединение оборвалось</translation>
    </message>
    <message>
        <source>Mediatel closed the connection</source>
        <translation>Mediatel закрыл соединение</translation>
    </message>
    <message>
        <source>Mediatel does not answer</source>
        <translation>Mediatel не отвечает</translation>
    </message>
    <message>
        <source>the SIP connection dropped</source>
        <translation>SIP-соединение оборвалось</translation>
    </message>
    <message>
        <source>the server refused the connection (not running?)</source>
        <translation>сервер отклонил соединение (не запущен?)</translation>
    </message>
    <message>
        <source>connection timed out</source>
        <translation>время ожидания соединения истекло</translation>
    </message>
    <message>
        <source>connection lost</source>
        <translation>соединение потеряно</translation>
    </message>
    <message>
        <source>unregistered</source>
        <translation>регистрация снята</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>регистрация истекла</translation>
    </message>
    <message>
        <source>The gateway refused the connection (403): your CRM sign-in may have expired. Sign in to the CRM again, or check the gateway token.</source>
        <translation>Шлюз отклонил соединение (403): возможно, ваш вход в CRM истёк. Войдите в CRM снова или проверьте токен шлюза.</translation>
    </message>
    <message>
        <source>The gateway asked for authentication (401): check the gateway token.</source>
        <translation>Шлюз требует аутентификации (401): проверьте токен шлюза.</translation>
    </message>
    <message>
        <source>The secure connection to {url} failed: its certificate could not be verified. Check the server address, or ask IT about the certificate.</source>
        <translation>Не удалось установить защищённое соединение с {url}: сертификат не прошёл проверку. Проверьте адрес сервера или обратитесь в ИТ насчёт сертификата.</translation>
    </message>
    <message>
        <source>The Mediatel address “{url}” is not valid.</source>
        <translation>Адрес Mediatel «{url}» недействителен.</translation>
    </message>
    <message>
        <source>Cannot reach Mediatel at {url}: check the address and your network connection.</source>
        <translation>Не удаётся соединиться с Mediatel по адресу {url}: проверьте адрес и подключение к сети.</translation>
    </message>
    <message>
        <source>Mediatel refused the login: {message}.</source>
        <translation>Mediatel не принял вход: {message}.</translation>
    </message>
    <message>
        <source>The extension did not register with {url} in time: check the SIP server address.</source>
        <translation>Внутренний номер не зарегистрировался на {url} вовремя: проверьте адрес SIP-сервера.</translation>
    </message>
    <message>
        <source>The SIP server refused the extension&apos;s password ({code}): check the SIP user and password.</source>
        <translation>SIP-сервер не принял пароль внутреннего номера ({code}): проверьте пользователя SIP и пароль.</translation>
    </message>
    <message>
        <source>The gateway refused the SIP connection (403): sign in to the CRM again, or check the gateway token.</source>
        <translation>Шлюз отклонил SIP-соединение (403): войдите в CRM снова или проверьте токен шлюза.</translation>
    </message>
    <message>
        <source>The secure connection to the SIP server {url} failed: its certificate could not be verified.</source>
        <translation>Не удалось установить защищённое соединение с SIP-сервером {url}: сертификат не прошёл проверку.</translation>
    </message>
    <message>
        <source>Cannot reach the SIP server at {url}: {reason}.</source>
        <translation>Не удаётся соединиться с SIP-сервером {url}: {reason}.</translation>
    </message>
    <message>
        <source>The SIP server refused the registration ({code} {reason}).</source>
        <translation>SIP-сервер отклонил регистрацию ({code} {reason}).</translation>
    </message>
    <message>
        <source>The call code {code} was not sent: when Mediatel came back it no longer had the call {trace} in after-call work. The code is kept in your call history.</source>
        <translation>Код звонка {code} не отправлен: когда Mediatel вернулся, звонка {trace} уже не было в обработке после звонка. Код сохранён в истории звонков.</translation>
    </message>
    <message>
        <source>Paused automatically: {cause}</source>
        <translation>Автоматическая пауза: {cause}</translation>
    </message>
    <message>
        <source>the extension has not been registered for {seconds} s</source>
        <translation>номер не зарегистрирован уже {seconds} с</translation>
    </message>
    <message>
        <source>the microphone stopped (unplugged?): the customer hears silence</source>
        <translation>микрофон перестал работать (отключён?): клиент слышит тишину</translation>
    </message>
    <message>
        <source>the speaker stopped (unplugged?): you cannot hear the customer</source>
        <translation>динамик перестал работать (отключён?): вы не слышите клиента</translation>
    </message>
    <message>
        <source>the microphone works again</source>
        <translation>микрофон снова работает</translation>
    </message>
    <message>
        <source>the speaker works again</source>
        <translation>динамик снова работает</translation>
    </message>
    <message>
        <source>no audio device: {detail}</source>
        <translation>нет звукового устройства: {detail}</translation>
    </message>
    <message>
        <source>{name} starts after this call and its call code</source>
        <translation>{name} начнётся после этого звонка и его кода</translation>
    </message>
    <message>
        <source>A call the platform did not announce is ringing: answer it only if you expect it.</source>
        <translation>Звонит звонок, о котором платформа не сообщила: отвечайте, только если ждёте его.</translation>
    </message>
    <message>
        <source>Could not move to the new SIP servers; staying: {error}</source>
        <translation>Не удалось перейти на новые SIP-серверы; остаёмся: {error}</translation>
    </message>
    <message>
        <source>Moved to the SIP server {url}</source>
        <translation>Перешли на SIP-сервер {url}</translation>
    </message>
    <message>
        <source>The gateway refused the {link} connection; a fresh sign-in failed: {error}</source>
        <translation>Шлюз отклонил соединение {link}; повторный вход не удался: {error}</translation>
    </message>
    <message>
        <source>The gateway refused the {link} connection: reconnecting with a new token.</source>
        <translation>Шлюз отклонил соединение {link}: переподключаемся с новым токеном.</translation>
    </message>
    <message>
        <source>The gateway refused the {link} connection and the CRM handed out the same token: sign in to the CRM again.</source>
        <translation>Шлюз отклонил соединение {link}, а CRM выдала тот же токен: войдите в CRM снова.</translation>
    </message>
    <message>
        <source>Signed out during after-call work before a call code was applied: the call is recorded without one.</source>
        <translation>Выход во время обработки после звонка, до применения кода: звонок записан без кода.</translation>
    </message>
    <message>
        <source>{why}: the agent is still logged in at Mediatel ({state}, {status}) with its extension unregistered; log out in Mediatel&apos;s own client or ask a supervisor to.</source>
        <translation>{why}: агент всё ещё в системе Mediatel ({state}, {status}), а номер не зарегистрирован; выйдите в клиенте Mediatel или попросите супервизора.</translation>
    </message>
    <message>
        <source>Mediatel is not connected, so it was not told</source>
        <translation>Mediatel не подключён, поэтому ему не сообщили</translation>
    </message>
    <message>
        <source>Mediatel offered neither logout nor exit</source>
        <translation>Mediatel не разрешил ни выход, ни завершение</translation>
    </message>
    <message>
        <source>Mediatel refused to log out ({error})</source>
        <translation>Mediatel отказал в выходе ({error})</translation>
    </message>
    <message>
        <source>Mediatel did not confirm the logout in time</source>
        <translation>Mediatel вовремя не подтвердил выход</translation>
    </message>
    <message>
        <source>disconnected: {reason}</source>
        <translation>соединение разорвано: {reason}</translation>
    </message>
    <message>
        <source>not signed in</source>
        <translation>вход не выполнен</translation>
    </message>
    <message>
        <source>the extension is not registered</source>
        <translation>номер не зарегистрирован</translation>
    </message>
    <message>
        <source>a call is already up</source>
        <translation>звонок уже идёт</translation>
    </message>
    <message>
        <source>dialling is not available while {status}</source>
        <translation>набор недоступен в состоянии {status}</translation>
    </message>
    <message>
        <source>no call is ringing</source>
        <translation>нет входящего звонка</translation>
    </message>
    <message>
        <source>there is no call to hang up</source>
        <translation>нет звонка, который можно завершить</translation>
    </message>
    <message>
        <source>the customer is not connected</source>
        <translation>клиент не соединён</translation>
    </message>
    <message>
        <source>the platform does not allow hold now</source>
        <translation>платформа сейчас не разрешает удержание</translation>
    </message>
    <message>
        <source>the call is not on hold</source>
        <translation>звонок не на удержании</translation>
    </message>
    <message>
        <source>there is no connected call</source>
        <translation>нет соединённого звонка</translation>
    </message>
    <message>
        <source>already muted</source>
        <translation>микрофон уже выключен</translation>
    </message>
    <message>
        <source>not muted</source>
        <translation>микрофон не выключен</translation>
    </message>
    <message>
        <source>a pause is not available while {status}</source>
        <translation>пауза недоступна в состоянии {status}</translation>
    </message>
    <message>
        <source>not on pause</source>
        <translation>вы не на паузе</translation>
    </message>
    <message>
        <source>the platform does not allow ending the pause now</source>
        <translation>платформа сейчас не разрешает завершить паузу</translation>
    </message>
    <message>
        <source>no pause is queued</source>
        <translation>ни одна пауза не запланирована</translation>
    </message>
    <message>
        <source>only during after-call work</source>
        <translation>только во время обработки после звонка</translation>
    </message>
    <message>
        <source>not available while {status}</source>
        <translation>недоступно в состоянии {status}</translation>
    </message>
    <message>
        <source>finish the call and its after-call work first</source>
        <translation>сначала завершите звонок и обработку после него</translation>
    </message>
    <message>
        <source>Mediatel is not connected; reconnecting</source>
        <translation>Mediatel не подключён; переподключение</translation>
    </message>
    <message>
        <source>the number is empty</source>
        <translation>номер пустой</translation>
    </message>
    <message>
        <source>Mediatel did not take it: {error}</source>
        <translation>Mediatel не принял: {error}</translation>
    </message>
    <message>
        <source>the connection failed: {error}</source>
        <translation>соединение не удалось: {error}</translation>
    </message>
    <message>
        <source>unknown queue {queue}; yours: {queues}</source>
        <translation>неизвестная очередь {queue}; ваши: {queues}</translation>
    </message>
    <message>
        <source>unknown pause {id}; known: {known}</source>
        <translation>неизвестная пауза {id}; известные: {known}</translation>
    </message>
    <message>
        <source>unknown call code {id}; known: {known}</source>
        <translation>неизвестный код звонка {id}; известные: {known}</translation>
    </message>
    <message>
        <source>there is no ringing incoming call to answer</source>
        <translation>нет входящего звонка, на который можно ответить</translation>
    </message>
    <message>
        <source>only a ringing incoming call can be rejected</source>
        <translation>отклонить можно только звонящий входящий звонок</translation>
    </message>
    <message>
        <source>cannot answer: {error}</source>
        <translation>не удаётся ответить: {error}</translation>
    </message>
    <message>
        <source>hold needs a connected call</source>
        <translation>для удержания нужен соединённый звонок</translation>
    </message>
    <message>
        <source>a hold/unhold is already in progress</source>
        <translation>удержание уже включается или выключается</translation>
    </message>
    <message>
        <source>the call is already on hold</source>
        <translation>звонок уже на удержании</translation>
    </message>
    <message>
        <source>cannot hold now: {detail}</source>
        <translation>сейчас не удаётся поставить на удержание: {detail}</translation>
    </message>
    <message>
        <source>cannot take the call off hold now: {detail}</source>
        <translation>сейчас не удаётся снять с удержания: {detail}</translation>
    </message>
    <message>
        <source>refused the far end&apos;s new offer: {error}</source>
        <translation>новое предложение другой стороны отклонено: {error}</translation>
    </message>
    <message>
        <source>DTMF not sent: {error}</source>
        <translation>DTMF не отправлен: {error}</translation>
    </message>
    <message>
        <source>internal error: {kind}: {error}</source>
        <translation>внутренняя ошибка: {kind}: {error}</translation>
    </message>
    <message>
        <source>DTMF INFO refused: {code} {reason}</source>
        <translation>DTMF INFO отклонён: {code} {reason}</translation>
    </message>
    <message>
        <source>SIP error: {error}</source>
        <translation>ошибка SIP: {error}</translation>
    </message>
    <message>
        <source>cannot ring: {error}</source>
        <translation>не удаётся воспроизвести звонок: {error}</translation>
    </message>
    <message>
        <source>media failed: {reason}</source>
        <translation>сбой звука: {reason}</translation>
    </message>
    <message>
        <source>cannot start the call: {error}</source>
        <translation>не удаётся начать звонок: {error}</translation>
    </message>
    <message>
        <source>not DTMF digits: {digits}</source>
        <translation>это не цифры DTMF: {digits}</translation>
    </message>
    <message>
        <source>the far end did not accept RFC 4733 telephone-event</source>
        <translation>другая сторона не приняла RFC 4733 telephone-event</translation>
    </message>
    <message>
        <source>the phone is not started</source>
        <translation>телефон не запущен</translation>
    </message>
    <message>
        <source>there is no call</source>
        <translation>звонка нет</translation>
    </message>
    <message>
        <source>authentication failed ({code} {reason}): check the user and password</source>
        <translation>аутентификация не удалась ({code} {reason}): проверьте пользователя и пароль</translation>
    </message>
    <message>
        <source>cannot connect</source>
        <translation>не удаётся подключиться</translation>
    </message>
    <message>
        <source>no answer to our SDP offer in the ACK</source>
        <translation>в ACK нет ответа на наше SDP-предложение</translation>
    </message>
    <message>
        <source>unusable answer to our SDP offer in the ACK: {error}</source>
        <translation>непригодный ответ на наше SDP-предложение в ACK: {error}</translation>
    </message>
    <message>
        <source>the far end answered without SDP</source>
        <translation>другая сторона ответила без SDP</translation>
    </message>
    <message>
        <source>unusable answer from the far end: {error}</source>
        <translation>непригодный ответ другой стороны: {error}</translation>
    </message>
    <message>
        <source>hold failed ({problem})</source>
        <translation>не удалось поставить на удержание ({problem})</translation>
    </message>
    <message>
        <source>unhold failed ({problem})</source>
        <translation>не удалось снять с удержания ({problem})</translation>
    </message>
    <message>
        <source>re-INVITE failed ({problem})</source>
        <translation>повторный INVITE не удался ({problem})</translation>
    </message>
    <message>
        <source>{failure}; audio may be affected</source>
        <translation>{failure}; звук может быть нарушен</translation>
    </message>
    <message>
        <source>{problem}; the call keeps its previous audio</source>
        <translation>{problem}; звонок сохраняет прежний звук</translation>
    </message>
    <message>
        <source>The Python package sounddevice is not installed, so no sound card can be used (pip install sounddevice; on Debian/Ubuntu also apt-get install libportaudio2).</source>
        <translation>Пакет Python sounddevice не установлен, поэтому звуковую карту использовать нельзя (pip install sounddevice; в Debian/Ubuntu также apt-get install libportaudio2).</translation>
    </message>
    <message>
        <source>The PortAudio library is not installed, so no sound card can be used (on Debian/Ubuntu: apt-get install libportaudio2).</source>
        <translation>Библиотека PortAudio не установлена, поэтому звуковую карту использовать нельзя (в Debian/Ubuntu: apt-get install libportaudio2).</translation>
    </message>
    <message>
        <source>The list of sound devices could not be read: {error}.</source>
        <translation>Не удалось прочитать список звуковых устройств: {error}.</translation>
    </message>
    <message>
        <source>No microphone was found: this computer has no sound input device (plug in a headset, or run with the null audio device).</source>
        <translation>Микрофон не найден: на этом компьютере нет звукового устройства ввода (подключите гарнитуру или запустите с нулевым звуковым устройством).</translation>
    </message>
    <message>
        <source>No speaker was found: this computer has no sound output device (plug in a headset, or run with the null audio device).</source>
        <translation>Динамик не найден: на этом компьютере нет звукового устройства вывода (подключите гарнитуру или запустите с нулевым звуковым устройством).</translation>
    </message>
    <message>
        <source>No microphone matches &quot;{name}&quot;. The input devices are: {listing}.</source>
        <translation>Ни один микрофон не подходит под «{name}». Устройства ввода: {listing}.</translation>
    </message>
    <message>
        <source>No speaker matches &quot;{name}&quot;. The output devices are: {listing}.</source>
        <translation>Ни один динамик не подходит под «{name}». Устройства вывода: {listing}.</translation>
    </message>
    <message>
        <source>The input device {device} could not be opened: {error}.</source>
        <translation>Не удалось открыть устройство ввода {device}: {error}.</translation>
    </message>
    <message>
        <source>The output device {device} could not be opened: {error}.</source>
        <translation>Не удалось открыть устройство вывода {device}: {error}.</translation>
    </message>
    <message>
        <source>The input device {device} supports neither 48000 Hz nor its own default rate in 16-bit mono or stereo.</source>
        <translation>Устройство ввода {device} не поддерживает ни 48000 Гц, ни собственную частоту по умолчанию в 16-битном моно или стерео.</translation>
    </message>
    <message>
        <source>The output device {device} supports neither 48000 Hz nor its own default rate in 16-bit mono or stereo.</source>
        <translation>Устройство вывода {device} не поддерживает ни 48000 Гц, ни собственную частоту по умолчанию в 16-битном моно или стерео.</translation>
    </message>
</context>
<context>
    <name>CrashDialog</name>
    <message>
        <source>Softphone: something went wrong</source>
        <translation>Софтфон: что-то пошло не так</translation>
    </message>
    <message>
        <source>Technical details</source>
        <translation>Технические подробности</translation>
    </message>
    <message>
        <source>Show details</source>
        <translation>Показать подробности</translation>
    </message>
    <message>
        <source>Copy details</source>
        <translation>Скопировать подробности</translation>
    </message>
    <message>
        <source>Hide details</source>
        <translation>Скрыть подробности</translation>
    </message>
</context>
<context>
    <name>Desk</name>
    <message>
        <source>Not now: {reason}</source>
        <translation>Не сейчас: {reason}</translation>
    </message>
    <message>
        <source>Call ID copied: {id}</source>
        <translation>ID звонка скопирован: {id}</translation>
    </message>
</context>
<context>
    <name>DialPad</name>
    <message>
        <source>Key {digit}</source>
        <translation>Клавиша {digit}</translation>
    </message>
</context>
<context>
    <name>DialPanel</name>
    <message>
        <source>Queue to call from</source>
        <translation>Очередь, из которой звонить</translation>
    </message>
    <message>
        <source>&amp;Queue:</source>
        <translation>&amp;Очередь:</translation>
    </message>
    <message>
        <source>Number to call</source>
        <translation>Номер для вызова</translation>
    </message>
    <message>
        <source>Delete the last digit</source>
        <translation>Удалить последнюю цифру</translation>
    </message>
    <message>
        <source>&amp;Redial</source>
        <translation>&amp;Повторить</translation>
    </message>
    <message>
        <source>Redial the last number</source>
        <translation>Повторно набрать последний номер</translation>
    </message>
    <message>
        <source>Call</source>
        <translation>Звонок</translation>
    </message>
    <message>
        <source>Call the number</source>
        <translation>Позвонить на номер</translation>
    </message>
    <message>
        <source>Call the number (Enter)</source>
        <translation>Позвонить на номер (Enter)</translation>
    </message>
    <message>
        <source>Call {number} again ({key})</source>
        <translation>Позвонить на {number} снова ({key})</translation>
    </message>
    <message>
        <source>Default queue</source>
        <translation>Очередь по умолчанию</translation>
    </message>
    <message>
        <source>no number dialled yet</source>
        <translation>ещё не набран ни один номер</translation>
    </message>
</context>
<context>
    <name>Dialer</name>
    <message>
        <source>Type a number to call.</source>
        <translation>Введите номер для вызова.</translation>
    </message>
    <message>
        <source>A number has only digits, * and #.</source>
        <translation>Номер содержит только цифры, * и #.</translation>
    </message>
    <message>
        <source>The number is too short.</source>
        <translation>Номер слишком короткий.</translation>
    </message>
    <message>
        <source>The number is too long.</source>
        <translation>Номер слишком длинный.</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>Not now: {reason}</source>
        <translation>Не сейчас: {reason}</translation>
    </message>
    <message>
        <source>That did not work: {reason}</source>
        <translation>Не удалось: {reason}</translation>
    </message>
    <message>
        <source>The action was cancelled before it finished.</source>
        <translation>Действие отменено до его завершения.</translation>
    </message>
    <message>
        <source>The action took too long and was given up.</source>
        <translation>Действие длилось слишком долго и было прервано.</translation>
    </message>
    <message>
        <source>Something went wrong ({kind}); the details are in the log.</source>
        <translation>Что-то пошло не так ({kind}); подробности записаны в журнал.</translation>
    </message>
</context>
<context>
    <name>GeneralPage</name>
    <message>
        <source>Language</source>
        <translation>Язык</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>Язык системы</translation>
    </message>
    <message>
        <source>The new language is used after a restart.</source>
        <translation>Новый язык применится после перезапуска.</translation>
    </message>
    <message>
        <source>Start minimised to the tray</source>
        <translation>Запускать свёрнутым в трей</translation>
    </message>
    <message>
        <source>Start when I sign in to the computer</source>
        <translation>Запускать при входе в компьютер</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>Ответить</translation>
    </message>
    <message>
        <source>Hang up</source>
        <translation>Завершить</translation>
    </message>
    <message>
        <source>Hold / resume</source>
        <translation>Удержание / продолжение</translation>
    </message>
    <message>
        <source>Mute / unmute</source>
        <translation>Микрофон выкл. / вкл.</translation>
    </message>
    <message>
        <source>Go to the number field</source>
        <translation>Перейти к полю номера</translation>
    </message>
    <message>
        <source>Redial</source>
        <translation>Перезвонить</translation>
    </message>
    <message>
        <source>Keyboard shortcuts (while the window is active)</source>
        <translation>Сочетания клавиш (когда окно активно)</translation>
    </message>
    <message>
        <source>General</source>
        <translation>Общие</translation>
    </message>
</context>
<context>
    <name>GlobalKeys</name>
    <message>
        <source>Global shortcuts are not available on this display ({platform}).</source>
        <translation>Глобальные сочетания клавиш недоступны на этом дисплее ({platform}).</translation>
    </message>
    <message>
        <source>{key} is taken by another program; choose another key.</source>
        <translation>{key} занято другой программой; выберите другое сочетание.</translation>
    </message>
    <message>
        <source>No key set.</source>
        <translation>Клавиша не задана.</translation>
    </message>
    <message>
        <source>A global shortcut is one key combination, not a sequence.</source>
        <translation>Глобальное сочетание — это одно нажатие клавиш, а не последовательность.</translation>
    </message>
    <message>
        <source>A global shortcut needs Ctrl, Alt or the Windows/Super key.</source>
        <translation>Глобальному сочетанию нужна клавиша Ctrl, Alt или Windows/Super.</translation>
    </message>
    <message>
        <source>{key} cannot be used as a global shortcut here.</source>
        <translation>{key} нельзя использовать как глобальное сочетание в этой системе.</translation>
    </message>
    <message>
        <source>{key} is already used for another action.</source>
        <translation>{key} уже назначено другому действию.</translation>
    </message>
    <message>
        <source>Global shortcuts are not available on this system.</source>
        <translation>Глобальные сочетания клавиш недоступны в этой системе.</translation>
    </message>
    <message>
        <source>This desktop offers no global shortcuts to apps (no GlobalShortcuts portal); set the keys in the desktop&apos;s own keyboard settings.</source>
        <translation>Это рабочее окружение не предоставляет программам глобальных сочетаний клавиш (нет портала GlobalShortcuts); задайте клавиши в настройках клавиатуры самого окружения.</translation>
    </message>
    <message>
        <source>The desktop refused the keys.</source>
        <translation>Рабочее окружение отклонило клавиши.</translation>
    </message>
    <message>
        <source>The desktop did not allow the keys (cancelled).</source>
        <translation>Рабочее окружение не разрешило клавиши (отменено).</translation>
    </message>
    <message>
        <source>The desktop did not assign this key.</source>
        <translation>Рабочее окружение не назначило эту клавишу.</translation>
    </message>
    <message>
        <source>Global shortcuts need the X11 library libxcb, which is missing.</source>
        <translation>Для глобальных сочетаний нужна библиотека X11 libxcb, которой нет.</translation>
    </message>
    <message>
        <source>Global shortcuts are not available: no X display to listen on.</source>
        <translation>Глобальные сочетания клавиш недоступны: нет дисплея X, который можно слушать.</translation>
    </message>
</context>
<context>
    <name>GlobalKeysPage</name>
    <message>
        <source>Use global shortcuts</source>
        <translation>Использовать глобальные сочетания клавиш</translation>
    </message>
    <message>
        <source>These keys work while another program, such as the CRM, has the focus. While they are on, no other program gets these keys.</source>
        <translation>Эти клавиши работают, даже когда активна другая программа, например CRM. Пока они включены, никакая другая программа этих клавиш не получает.</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>Ответить</translation>
    </message>
    <message>
        <source>Hang up</source>
        <translation>Завершить</translation>
    </message>
    <message>
        <source>Hold / resume</source>
        <translation>Удержание / продолжение</translation>
    </message>
    <message>
        <source>Mute / unmute</source>
        <translation>Микрофон выкл. / вкл.</translation>
    </message>
    <message>
        <source>{action}: key status</source>
        <translation>{action}: состояние клавиши</translation>
    </message>
    <message>
        <source>Global shortcuts</source>
        <translation>Глобальные клавиши</translation>
    </message>
</context>
<context>
    <name>HistoryView</name>
    <message>
        <source>From</source>
        <translation>С</translation>
    </message>
    <message>
        <source>To</source>
        <translation>По</translation>
    </message>
    <message>
        <source>Any part of the number</source>
        <translation>Любая часть номера</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>Номер</translation>
    </message>
    <message>
        <source>Call code</source>
        <translation>Код звонка</translation>
    </message>
    <message>
        <source>Any call code</source>
        <translation>Любой код звонка</translation>
    </message>
    <message>
        <source>Missed only</source>
        <translation>Пропущенные</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Искать</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Время</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Итог</translation>
    </message>
    <message>
        <source>Call code</source>
        <comment>column header: short where the language allows</comment>
        <translation>Код</translation>
    </message>
    <message>
        <source>Call history</source>
        <translation>История звонков</translation>
    </message>
    <message>
        <source>Selected call</source>
        <translation>Выбранный звонок</translation>
    </message>
    <message>
        <source>Redial</source>
        <translation>Перезвонить</translation>
    </message>
    <message>
        <source>Copy callTraceID</source>
        <translation>Скопировать callTraceID</translation>
    </message>
    <message>
        <source>Missed call</source>
        <translation>Пропущенный звонок</translation>
    </message>
    <message>
        <source>Incoming call</source>
        <translation>Входящий звонок</translation>
    </message>
    <message>
        <source>Outgoing call</source>
        <translation>Исходящий звонок</translation>
    </message>
    <message>
        <source>Missed</source>
        <translation>Пропущен</translation>
    </message>
    <message>
        <source>{count} calls</source>
        <translation>Звонков: {count}</translation>
    </message>
    <message>
        <source>No answer</source>
        <translation>Без ответа</translation>
    </message>
    <message>
        <source>queue {queue}</source>
        <translation>очередь {queue}</translation>
    </message>
    <message>
        <source>callTraceID {id}</source>
        <translation>callTraceID {id}</translation>
    </message>
    <message>
        <source>Call code: {code}</source>
        <translation>Код звонка: {code}</translation>
    </message>
    <message>
        <source>Choose a call first.</source>
        <translation>Сначала выберите звонок.</translation>
    </message>
    <message>
        <source>callTraceID copied</source>
        <translation>callTraceID скопирован</translation>
    </message>
</context>
<context>
    <name>IncomingCallAlerts</name>
    <message>
        <source>Unknown number</source>
        <translation>Неизвестный номер</translation>
    </message>
    <message>
        <source>{number} in queue {queue}</source>
        <translation>{number} в очереди {queue}</translation>
    </message>
</context>
<context>
    <name>IncomingCallPopup</name>
    <message>
        <source>Incoming call</source>
        <translation>Входящий звонок</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>Ответить</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>Отклонить</translation>
    </message>
    <message>
        <source>Answer the call</source>
        <translation>Ответить на звонок</translation>
    </message>
    <message>
        <source>Reject the call</source>
        <translation>Отклонить звонок</translation>
    </message>
    <message>
        <source>Unknown number</source>
        <translation>Неизвестный номер</translation>
    </message>
    <message>
        <source>Queue: {queue}</source>
        <translation>Очередь: {queue}</translation>
    </message>
    <message>
        <source>Answering automatically in {seconds} s</source>
        <translation>Автоматический ответ через {seconds} с</translation>
    </message>
</context>
<context>
    <name>IntegrationPage</name>
    <message>
        <source>Port</source>
        <translation>Порт</translation>
    </message>
    <message>
        <source>Token</source>
        <translation>Токен</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Копировать</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>Создать новый</translation>
    </message>
    <message>
        <source>Only programs on this computer can connect (127.0.0.1), with this token.</source>
        <translation>Подключиться могут только программы на этом компьютере (127.0.0.1) с этим токеном.</translation>
    </message>
    <message>
        <source>Integration API</source>
        <translation>API интеграции</translation>
    </message>
</context>
<context>
    <name>LinkIndicator</name>
    <message>
        <source>{name}: {state}</source>
        <translation>{name}: {state}</translation>
    </message>
</context>
<context>
    <name>LiveSettings</name>
    <message>
        <source>The integration API did not move: {0}.</source>
        <translation>Интеграционный API не перенесён: {0}.</translation>
    </message>
    <message>
        <source>The integration API for your CRM is off: {0}.</source>
        <translation>Интеграционный API для вашей CRM выключен: {0}.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Softphone</source>
        <translation>Софтфон</translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation>&amp;Продолжить</translation>
    </message>
    <message>
        <source>Resume work (end the pause)</source>
        <translation>Продолжить работу (завершить перерыв)</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Телефон</translation>
    </message>
    <message>
        <source>&amp;Agent</source>
        <translation>&amp;Оператор</translation>
    </message>
    <message>
        <source>Sign &amp;out</source>
        <translation>&amp;Выйти</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>За&amp;крыть программу</translation>
    </message>
    <message>
        <source>Sign out and stop taking calls</source>
        <translation>Выйти и прекратить принимать звонки</translation>
    </message>
    <message>
        <source>&amp;Call</source>
        <translation>&amp;Звонок</translation>
    </message>
    <message>
        <source>&amp;Answer</source>
        <translation>&amp;Ответить</translation>
    </message>
    <message>
        <source>&amp;Hang up</source>
        <translation>&amp;Завершить</translation>
    </message>
    <message>
        <source>Hold / &amp;resume</source>
        <translation>Удержание / &amp;продолжение</translation>
    </message>
    <message>
        <source>&amp;Mute / unmute</source>
        <translation>&amp;Микрофон выкл. / вкл.</translation>
    </message>
    <message>
        <source>&amp;Number field</source>
        <translation>Поле &amp;номера</translation>
    </message>
    <message>
        <source>&amp;Redial</source>
        <translation>&amp;Повторить</translation>
    </message>
    <message>
        <source>Call the last number again</source>
        <translation>Снова позвонить на последний номер</translation>
    </message>
    <message>
        <source>Answer the ringing call</source>
        <translation>Ответить на входящий звонок</translation>
    </message>
    <message>
        <source>End the call</source>
        <translation>Завершить звонок</translation>
    </message>
    <message>
        <source>Hold or resume the call</source>
        <translation>Поставить звонок на удержание или продолжить</translation>
    </message>
    <message>
        <source>Mute or unmute the microphone</source>
        <translation>Выключить или включить микрофон</translation>
    </message>
    <message>
        <source>{status} — Softphone</source>
        <translation>{status} — Софтфон</translation>
    </message>
</context>
<context>
    <name>PauseBanner</name>
    <message>
        <source>Paused because the phone line is down; you become available again by yourself when it is back.</source>
        <translation>Перерыв, потому что телефонная линия недоступна; вы снова станете доступны, как только она восстановится.</translation>
    </message>
    <message>
        <source>The platform put you in a pause ({pause}).</source>
        <translation>Платформа поставила вас на перерыв ({pause}).</translation>
    </message>
    <message>
        <source>Pause: {pause}.</source>
        <translation>Перерыв: {pause}.</translation>
    </message>
    <message>
        <source>Reason: {reason}.</source>
        <translation>Причина: {reason}.</translation>
    </message>
</context>
<context>
    <name>PauseButton</name>
    <message>
        <source>&amp;Pause</source>
        <translation>&amp;Перерыв</translation>
    </message>
    <message>
        <source>Pause menu</source>
        <translation>Меню перерывов</translation>
    </message>
    <message>
        <source>Take a pause, resume, or switch predictive calls</source>
        <translation>Взять перерыв, продолжить работу или переключить предиктивные вызовы</translation>
    </message>
    <message>
        <source>&amp;Resume work</source>
        <translation>&amp;Продолжить работу</translation>
    </message>
    <message>
        <source>&amp;Cancel the next pause</source>
        <translation>&amp;Отменить следующий перерыв</translation>
    </message>
    <message>
        <source>Pre&amp;dictive calls</source>
        <translation>Пре&amp;диктивные вызовы</translation>
    </message>
    <message>
        <source>End the pause</source>
        <translation>Завершить перерыв</translation>
    </message>
    <message>
        <source>Stay available after the call</source>
        <translation>Остаться доступным после звонка</translation>
    </message>
    <message>
        <source>Let the dialler connect customers to you</source>
        <translation>Разрешить автодозвону соединять вас с клиентами</translation>
    </message>
    <message>
        <source>Pauses</source>
        <translation>Перерывы</translation>
    </message>
    <message>
        <source>Take this pause</source>
        <translation>Взять этот перерыв</translation>
    </message>
    <message>
        <source>The platform offers no pauses</source>
        <translation>Платформа не предлагает перерывов</translation>
    </message>
    <message>
        <source>{pause} (next)</source>
        <translation>{pause} (следующий)</translation>
    </message>
</context>
<context>
    <name>ProfilesPage</name>
    <message>
        <source>Server profiles</source>
        <translation>Профили сервера</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Добавить</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Удалить</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Название</translation>
    </message>
    <message>
        <source>Mediatel server</source>
        <translation>Сервер Mediatel</translation>
    </message>
    <message>
        <source>SIP WebSocket</source>
        <translation>SIP WebSocket</translation>
    </message>
    <message>
        <source>New profile</source>
        <translation>Новый профиль</translation>
    </message>
    <message>
        <source>The Mediatel server address starts with https://</source>
        <translation>Адрес сервера Mediatel начинается с https://</translation>
    </message>
    <message>
        <source>The SIP WebSocket address starts with wss://</source>
        <translation>Адрес SIP WebSocket начинается с wss://</translation>
    </message>
</context>
<context>
    <name>QualityBar</name>
    <message>
        <source>Call quality: {level}</source>
        <translation>Качество связи: {level}</translation>
    </message>
    <message>
        <source>loss {value:.1f} %</source>
        <translation>потери {value:.1f} %</translation>
    </message>
    <message>
        <source>jitter {value:.0f} ms</source>
        <translation>джиттер {value:.0f} мс</translation>
    </message>
    <message>
        <source>round trip {value:.0f} ms</source>
        <translation>задержка туда и обратно {value:.0f} мс</translation>
    </message>
    <message>
        <source>MOS {value:.1f}</source>
        <translation>MOS {value:.1f}</translation>
    </message>
</context>
<context>
    <name>ReconnectBanner</name>
    <message>
        <source>Mediatel</source>
        <translation>Mediatel</translation>
    </message>
    <message>
        <source>SIP</source>
        <translation>SIP</translation>
    </message>
    <message>
        <source>Reconnecting to {link}…</source>
        <translation>Повторное соединение с {link}…</translation>
    </message>
    <message>
        <source>({reason})</source>
        <translation>({reason})</translation>
    </message>
    <message>
        <source>Next attempt in {seconds} s.</source>
        <translation>Следующая попытка через {seconds} с.</translation>
    </message>
    <message>
        <source>Trying now.</source>
        <translation>Пробуем сейчас.</translation>
    </message>
    <message>
        <source>No connection to {link}.</source>
        <translation>Нет соединения с {link}.</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Настройки</translation>
    </message>
    <message>
        <source>Topics</source>
        <translation>Разделы</translation>
    </message>
    <message>
        <source>Changes take effect when you press OK: sound devices and the microphone from the next call, the rest at once. Only the language waits for a restart.</source>
        <translation>Изменения действуют после нажатия OK: звуковые устройства и микрофон — со следующего звонка, остальное — сразу. Только язык меняется после перезапуска.</translation>
    </message>
</context>
<context>
    <name>ShellController</name>
    <message>
        <source>History</source>
        <translation>История</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Настройки…</translation>
    </message>
    <message>
        <source>&amp;Export diagnostics…</source>
        <translation>&amp;Экспорт диагностики…</translation>
    </message>
    <message>
        <source>History ({count})</source>
        <translation>История ({count})</translation>
    </message>
    <message>
        <source>Some global shortcuts are not active: {problems}</source>
        <translation>Некоторые глобальные сочетания клавиш не действуют: {problems}</translation>
    </message>
    <message>
        <source>Export diagnostics</source>
        <translation>Экспорт диагностики</translation>
    </message>
    <message>
        <source>Zip archives (*.zip)</source>
        <translation>Архивы zip (*.zip)</translation>
    </message>
    <message>
        <source>The diagnostics could not be saved: {reason}</source>
        <translation>Не удалось сохранить диагностику: {reason}</translation>
    </message>
    <message>
        <source>Diagnostics saved to {path}</source>
        <translation>Диагностика сохранена в {path}</translation>
    </message>
</context>
<context>
    <name>SignInPanel</name>
    <message>
        <source>Sign in to take calls</source>
        <translation>Войдите, чтобы принимать звонки</translation>
    </message>
    <message>
        <source>Server profile</source>
        <translation>Профиль сервера</translation>
    </message>
    <message>
        <source>Login</source>
        <translation>Логин</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Пароль</translation>
    </message>
    <message>
        <source>Extension</source>
        <translation>Внутренний номер</translation>
    </message>
    <message>
        <source>e.g. 1001</source>
        <translation>напр. 1001</translation>
    </message>
    <message>
        <source>&amp;Server:</source>
        <translation>&amp;Сервер:</translation>
    </message>
    <message>
        <source>&amp;Login:</source>
        <translation>&amp;Логин:</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>&amp;Пароль:</translation>
    </message>
    <message>
        <source>&amp;Extension:</source>
        <translation>&amp;Внутренний номер:</translation>
    </message>
    <message>
        <source>SIP account (when your administrator gave you one)</source>
        <translation>Учётная запись SIP (если администратор её выдал)</translation>
    </message>
    <message>
        <source>Use my own SIP account</source>
        <translation>Использовать мою учётную запись SIP</translation>
    </message>
    <message>
        <source>SIP user</source>
        <translation>Пользователь SIP</translation>
    </message>
    <message>
        <source>SIP password</source>
        <translation>Пароль SIP</translation>
    </message>
    <message>
        <source>SIP &amp;user:</source>
        <translation>&amp;Пользователь SIP:</translation>
    </message>
    <message>
        <source>SIP pass&amp;word:</source>
        <translation>Па&amp;роль SIP:</translation>
    </message>
    <message>
        <source>&amp;Remember me on this computer</source>
        <translation>&amp;Запомнить меня на этом компьютере</translation>
    </message>
    <message>
        <source>The password is kept in the system&apos;s keyring.</source>
        <translation>Пароль хранится в хранилище паролей системы.</translation>
    </message>
    <message>
        <source>Remember me</source>
        <translation>Запомнить меня</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Войти</translation>
    </message>
    <message>
        <source>saved on this computer</source>
        <translation>сохранено на этом компьютере</translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation>Вход…</translation>
    </message>
    <message>
        <source>Signing out…</source>
        <translation>Выход…</translation>
    </message>
    <message>
        <source>Type your login.</source>
        <translation>Введите логин.</translation>
    </message>
    <message>
        <source>Type your password.</source>
        <translation>Введите пароль.</translation>
    </message>
    <message>
        <source>Type your extension.</source>
        <translation>Введите внутренний номер.</translation>
    </message>
    <message>
        <source>Sign in (Enter)</source>
        <translation>Войти (Enter)</translation>
    </message>
</context>
<context>
    <name>StatusArea</name>
    <message>
        <source>{name} · ext. {extension}</source>
        <translation>{name} · внутр. {extension}</translation>
    </message>
    <message>
        <source>next: {pause}</source>
        <translation>далее: {pause}</translation>
    </message>
    <message>
        <source>This pause begins when the platform allows it (after the call).</source>
        <translation>Этот перерыв начнётся, когда разрешит платформа (после звонка).</translation>
    </message>
    <message>
        <source>{status} · {time}</source>
        <translation>{status} · {time}</translation>
    </message>
    <message>
        <source>Status: {status}</source>
        <translation>Статус: {status}</translation>
    </message>
</context>
<context>
    <name>Text</name>
    <message>
        <source>Signing in…</source>
        <translation>Вход…</translation>
    </message>
    <message>
        <source>Signing out…</source>
        <translation>Выход…</translation>
    </message>
    <message>
        <source>Signed out</source>
        <translation>Не в системе</translation>
    </message>
    <message>
        <source>Pause: {name}</source>
        <translation>Перерыв: {name}</translation>
    </message>
    <message>
        <source>Ringing</source>
        <translation>Звонит</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Не в сети</translation>
    </message>
    <message>
        <source>Available</source>
        <translation>Доступен</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Перерыв</translation>
    </message>
    <message>
        <source>Dialling</source>
        <translation>Набор номера</translation>
    </message>
    <message>
        <source>In a call</source>
        <translation>Разговор</translation>
    </message>
    <message>
        <source>On hold</source>
        <translation>На удержании</translation>
    </message>
    <message>
        <source>After-call work</source>
        <translation>Поствызывная обработка</translation>
    </message>
    <message>
        <source>not connected</source>
        <translation>не подключено</translation>
    </message>
    <message>
        <source>connecting…</source>
        <translation>соединение…</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>подключено</translation>
    </message>
    <message>
        <source>reconnecting…</source>
        <translation>переподключение…</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>сбой</translation>
    </message>
    <message>
        <source>Manual call</source>
        <translation>Ручной звонок</translation>
    </message>
    <message>
        <source>Inbound call</source>
        <translation>Входящий звонок</translation>
    </message>
    <message>
        <source>Predictive call</source>
        <translation>Предиктивный звонок</translation>
    </message>
    <message>
        <source>Call</source>
        <translation>Звонок</translation>
    </message>
    <message>
        <source>incoming</source>
        <translation>входящий</translation>
    </message>
    <message>
        <source>outgoing</source>
        <translation>исходящий</translation>
    </message>
    <message>
        <source>Good</source>
        <translation>Хорошее</translation>
    </message>
    <message>
        <source>Fair</source>
        <translation>Удовлетворительное</translation>
    </message>
    <message>
        <source>Poor</source>
        <translation>Плохое</translation>
    </message>
    <message>
        <source>Measuring…</source>
        <translation>Измерение…</translation>
    </message>
    <message>
        <source>You ended the call.</source>
        <translation>Вы завершили звонок.</translation>
    </message>
    <message>
        <source>The customer hung up.</source>
        <translation>Клиент положил трубку.</translation>
    </message>
    <message>
        <source>The call was not answered.</source>
        <translation>На звонок не ответили.</translation>
    </message>
    <message>
        <source>The phone turned the call away: you were busy or not available.</source>
        <translation>Телефон отклонил звонок: вы были заняты или недоступны.</translation>
    </message>
    <message>
        <source>The call could not be put through.</source>
        <translation>Не удалось соединить звонок.</translation>
    </message>
    <message>
        <source>The platform ended the call.</source>
        <translation>Платформа завершила звонок.</translation>
    </message>
    <message>
        <source>The call was cut: the connection to the Mediatel server was lost.</source>
        <translation>Звонок оборвался: потеряно соединение с сервером Mediatel.</translation>
    </message>
    <message>
        <source>The call was cut: the connection to the SIP server was lost.</source>
        <translation>Звонок оборвался: потеряно соединение с SIP-сервером.</translation>
    </message>
    <message>
        <source>The call was cut: the application was closed during the call.</source>
        <translation>Звонок оборвался: приложение закрыли во время звонка.</translation>
    </message>
</context>
<context>
    <name>Tray</name>
    <message>
        <source>Reconnecting…</source>
        <translation>Повторное соединение…</translation>
    </message>
    <message>
        <source>Softphone: {status}</source>
        <translation>Софтфон: {status}</translation>
    </message>
    <message>
        <source>Auto-answer on</source>
        <translation>Автоответ включён</translation>
    </message>
    <message>
        <source>Auto-answer off</source>
        <translation>Автоответ выключен</translation>
    </message>
    <message>
        <source>Missed calls: {count}</source>
        <translation>Пропущенные звонки: {count}</translation>
    </message>
    <message>
        <source>Resume (available)</source>
        <translation>Продолжить (доступен)</translation>
    </message>
    <message>
        <source>Auto-answer</source>
        <translation>Автоответ</translation>
    </message>
    <message>
        <source>Show window</source>
        <translation>Показать окно</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Выйти из программы</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Перерыв</translation>
    </message>
    <message>
        <source>{name} (next)</source>
        <translation>{name} (следующий)</translation>
    </message>
</context>
</TS>
